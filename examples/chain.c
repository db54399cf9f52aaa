/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * chain -- three data mover operations run as one chained future:
 *   1. copy a greeting into a work buffer;
 *   2. make room for a prefix by moving it right (memmove): this future is
 *      built lazily, from the first step's output, once that step is done;
 *   3. fill the gap with '>' characters; its result is mapped into the
 *      chain's own output.
 * The chain is waited for with the runtime, and the result printed.
 */

#include <libminiasync.h>

#include <stdio.h>
#include <string.h>

#define PREFIX 3

struct greet_data {
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, copy);
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, shift);
	FUTURE_CHAIN_ENTRY_LAST(struct vdm_operation_future, fill);
	/* plain state, after the last entry */
	struct vdm *vdm;
};

struct greet_output {
	char *text;
};

FUTURE(greet_future, struct greet_data, struct greet_output);

/*
 * Builds the shift once the copy is done, from the copy's results: where it
 * wrote (its output) and how much (its operation).
 */
static void init_shift(void *future, struct future_context *chain_ctx, void *arg)
{
	struct greet_data *d = future_context_get_data(chain_ctx);
	char *dest = d->copy.fut.output.output.memcpy.dest;
	size_t n = d->copy.fut.data.operation.data.memcpy.n;
	(void)arg;
	*(struct vdm_operation_future *)future = vdm_memmove(d->vdm, dest + PREFIX, dest, n, 0);
}

/* After the fill: the chain's output is the start of the filled buffer. */
static void fill_done(struct future_context *lhs, struct future_context *rhs, void *arg)
{
	struct vdm_operation_output *out = future_context_get_output(lhs);
	struct greet_output *res = future_context_get_output(rhs);
	(void)arg;
	res->text = out->output.memset.str;
}

int main(void)
{
	static char greeting[] = "hello from a chain of futures";
	char buf[64];
	int ret = 1;
	struct runtime *r = runtime_new();
	struct data_mover_sync *dms = data_mover_sync_new();
	if (r == NULL || dms == NULL) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}
	memset(buf, 0, sizeof(buf));

	struct greet_future chain;
	chain.data.vdm = data_mover_sync_get_vdm(dms);
	chain.output.text = NULL;
	FUTURE_CHAIN_ENTRY_INIT(&chain.data.copy,
	                        vdm_memcpy(chain.data.vdm, buf, greeting, sizeof(greeting), 0),
	                        NULL, NULL);
	FUTURE_CHAIN_ENTRY_LAZY_INIT(&chain.data.shift, init_shift, NULL, NULL, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&chain.data.fill, vdm_memset(chain.data.vdm, buf, '>', PREFIX, 0),
	                        fill_done, NULL);
	FUTURE_CHAIN_INIT(&chain);

	runtime_wait(r, FUTURE_AS_RUNNABLE(&chain));

	if (chain.output.text != buf || strcmp(buf, ">>>hello from a chain of futures") != 0) {
		fprintf(stderr, "unexpected result: %s\n", buf);
		goto out;
	}
	printf("%s (copied, shifted and prefixed by one chained future)\n", chain.output.text);
	ret = 0;
out:
	data_mover_sync_delete(dms);
	runtime_delete(r);
	return ret;
}
