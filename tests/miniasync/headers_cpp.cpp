/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * headers_cpp -- a C++ translation unit that includes every public
 * miniasync header and uses the chain init macros (miniasync 0.2.1's did not
 * compile as C++), against the shared library. It also runs the C
 * translation unit headers_c.c and checks that C and C++ agree on the
 * structure sizes.
 */

#include <libminiasync/future.h>
#include <libminiasync/vdm.h>
#include <libminiasync/runtime.h>
#include <libminiasync/data_mover_sync.h>
#include <libminiasync/data_mover_threads.h>
#include <libminiasync.h>

#include "headers_c.h"

#include <gtest/gtest.h>

#include <cstring>

TEST(headers, c_and_cpp_agree_on_sizes)
{
	const std::size_t cpp[] = {sizeof(struct future),
	                           sizeof(struct future_notifier),
	                           sizeof(struct future_chain_entry),
	                           sizeof(struct vdm),
	                           sizeof(struct vdm_operation_future),
	                           sizeof(struct vdm_operation)};
	for (int i = 0; i < 6; ++i)
		EXPECT_EQ(headers_c_sizeof(i), cpp[i]) << "structure " << i;
}

TEST(headers, c_translation_unit_runs_a_chain)
{
	EXPECT_EQ(headers_c_chain(), 0) << "failed at headers_c.c line " << headers_c_chain();
}

namespace
{

struct cpp_chain_data {
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, first);
	FUTURE_CHAIN_ENTRY_LAST(struct vdm_operation_future, second);
	struct vdm *vdm;
	char *dst;
	char *src;
};
struct cpp_chain_output {
	int lazy_inits;
};
FUTURE(cpp_chain_future, struct cpp_chain_data, struct cpp_chain_output);

void init_second(void *future, struct future_context *chain_ctx, void *arg)
{
	auto *d = static_cast<cpp_chain_data *>(future_context_get_data(chain_ctx));
	static_cast<cpp_chain_output *>(future_context_get_output(chain_ctx))->lazy_inits++;
	*static_cast<vdm_operation_future *>(future) =
	    vdm_memmove(d->vdm, d->dst + 1, d->dst, *static_cast<std::size_t *>(arg), 0);
}

} // namespace

/* The whole point: these macros expand to valid C++. */
TEST(headers, chain_macros_compile_and_work_in_cpp)
{
	data_mover_sync *dms = data_mover_sync_new();
	ASSERT_NE(dms, nullptr);
	runtime *r = runtime_new();
	ASSERT_NE(r, nullptr);
	char src[16] = "abcdefgh", dst[16] = {0};
	std::size_t shift_len = 8;

	cpp_chain_future chain;
	chain.data.vdm = data_mover_sync_get_vdm(dms);
	chain.data.dst = dst;
	chain.data.src = src;
	chain.output.lazy_inits = 0;
	FUTURE_CHAIN_ENTRY_INIT(&chain.data.first, vdm_memcpy(chain.data.vdm, dst, src, 8, 0), NULL,
	                        NULL);
	FUTURE_CHAIN_ENTRY_LAZY_INIT(&chain.data.second, init_second, &shift_len, NULL, NULL);
	FUTURE_CHAIN_INIT(&chain);
	EXPECT_TRUE(FUTURE_CHAIN_ENTRY_IS_INITIALIZED(&chain.data.first));
	EXPECT_FALSE(FUTURE_CHAIN_ENTRY_IS_INITIALIZED(&chain.data.second));

	runtime_wait(r, FUTURE_AS_RUNNABLE(&chain));
	EXPECT_EQ(FUTURE_STATE(&chain), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(chain.output.lazy_inits, 1);
	EXPECT_STREQ(dst, "aabcdefgh");
	runtime_delete(r);
	data_mover_sync_delete(dms);
}
