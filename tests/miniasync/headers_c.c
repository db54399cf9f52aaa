/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * headers_c -- a C11 translation unit that includes every public miniasync
 * header and uses the API, the chain macros included, the way a C program
 * does. Built with the project's warnings (-Werror in CI).
 */

#include <libminiasync/future.h>
#include <libminiasync/vdm.h>
#include <libminiasync/runtime.h>
#include <libminiasync/data_mover_sync.h>
#include <libminiasync/data_mover_threads.h>
#include <libminiasync.h>

#include "headers_c.h"

#include <string.h>

size_t headers_c_sizeof(int which)
{
	switch (which) {
	case 0:
		return sizeof(struct future);
	case 1:
		return sizeof(struct future_notifier);
	case 2:
		return sizeof(struct future_chain_entry);
	case 3:
		return sizeof(struct vdm);
	case 4:
		return sizeof(struct vdm_operation_future);
	case 5:
		return sizeof(struct vdm_operation);
	default:
		return 0;
	}
}

struct copy_chain_data {
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, fill);
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, copy);
	FUTURE_CHAIN_ENTRY_LAST(struct vdm_operation_future, check);
	/* chain state after the last entry */
	struct vdm *vdm;
	char *buf;
	size_t half;
};
struct copy_chain_output {
	char *copied_to;
};
FUTURE(copy_chain_future, struct copy_chain_data, struct copy_chain_output);

/* Lazily builds the copy from the chain's state, once the fill is done. */
static void init_copy(void *future, struct future_context *chain_ctx, void *arg)
{
	struct copy_chain_data *d = future_context_get_data(chain_ctx);
	(void)arg;
	*(struct vdm_operation_future *)future =
	    vdm_memcpy(d->vdm, d->buf + d->half, d->buf, d->half, 0);
}

static void copy_result(struct future_context *lhs, struct future_context *rhs, void *arg)
{
	struct vdm_operation_output *out = future_context_get_output(lhs);
	struct copy_chain_output *res = future_context_get_output(rhs);
	(void)arg;
	res->copied_to = out->output.memset.str;
}

int headers_c_chain(void)
{
	char buf[256];
	int ret = 0;
	struct runtime *r = runtime_new();
	struct data_mover_sync *dms = data_mover_sync_new();
	if (r == NULL || dms == NULL) {
		ret = __LINE__;
		goto out;
	}
	memset(buf, 0, sizeof(buf));

	struct copy_chain_future chain;
	chain.data.vdm = data_mover_sync_get_vdm(dms);
	chain.data.buf = buf;
	chain.data.half = sizeof(buf) / 2;
	chain.output.copied_to = NULL;
	FUTURE_CHAIN_ENTRY_INIT(
	    &chain.data.fill, vdm_memset(chain.data.vdm, buf, 'x', sizeof(buf) / 2, 0), NULL, NULL);
	FUTURE_CHAIN_ENTRY_LAZY_INIT(&chain.data.copy, init_copy, NULL, NULL, NULL);
	/* The last step overwrites one byte of the copy: it must run after the copy. */
	FUTURE_CHAIN_ENTRY_INIT(&chain.data.check,
	                        vdm_memset(chain.data.vdm, buf + sizeof(buf) - 1, 'y', 1, 0),
	                        copy_result, NULL);
	FUTURE_CHAIN_INIT(&chain);

	if (FUTURE_CHAIN_ENTRY_IS_INITIALIZED(&chain.data.copy))
		ret = __LINE__;
	runtime_wait(r, FUTURE_AS_RUNNABLE(&chain));
	if (FUTURE_STATE(&chain) != FUTURE_STATE_COMPLETE)
		ret = __LINE__;
	for (size_t i = 0; i < sizeof(buf) - 1 && ret == 0; ++i)
		if (buf[i] != 'x')
			ret = __LINE__;
	if (buf[sizeof(buf) - 1] != 'y')
		ret = __LINE__;
	if (chain.output.copied_to != buf + sizeof(buf) - 1)
		ret = __LINE__;
	if (!vdm_is_supported(chain.data.vdm, VDM_F_MEM_DURABLE))
		ret = __LINE__;
out:
	data_mover_sync_delete(dms);
	runtime_delete(r);
	return ret;
}
