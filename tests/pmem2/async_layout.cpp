/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The layout of struct pmem2_future and its parts (the interface contract), checked at
 * compile time in C++ with the same assertions the program built against
 * Debian's PMDK 1.12.1 header compiles with (async_compat), and at run time
 * on futures our functions return: a two-entry chain whose sizes and flags
 * the inline chain code of any miniasync build walks correctly.
 */
#include "async_fixture.hpp"

#include "pmem2/async_compat/async_layout_asserts.h"
#include "pmem2/map.hpp"

using namespace async_test;

namespace
{

TEST(async_layout, a_future_is_the_chain_pmdk_programs_expect)
{
	shm_map m(1 << 20, PMEM2_GRANULARITY_CACHE_LINE, nullptr);
	ASSERT_NE(m.map(), nullptr);
	char src[100] = {1};
	auto f = pmem2_memcpy_async(m.map(), m.base(), src, sizeof(src), 0);

	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_IDLE);
	EXPECT_NE(f.base.task, nullptr); /* the library's copy of async_chain_impl */
	EXPECT_EQ(f.base.context.data_size, sizeof(struct pmem2_future_data));
	EXPECT_EQ(f.base.context.output_size, sizeof(struct pmem2_future_output));

	/* Entry 1: the mover's operation, not last. */
	auto *first = reinterpret_cast<struct future_chain_entry *>(&f.data.op);
	EXPECT_FALSE(FUTURE_CHAIN_ENTRY_IS_LAST(first));
	EXPECT_EQ(first->future.context.data_size, sizeof(struct vdm_operation_data));
	EXPECT_EQ(first->future.context.output_size, sizeof(struct vdm_operation_output));
	EXPECT_EQ(f.data.op.fut.data.vdm, m.map()->vdm);
	EXPECT_EQ(f.data.op.fut.data.operation.type, VDM_OPERATION_MEMCPY);
	EXPECT_EQ(f.data.op.fut.data.operation.data.memcpy.dest, m.base());
	EXPECT_EQ(f.data.op.fut.data.operation.data.memcpy.n, sizeof(src));

	/* Entry 2: the finalizer, last, describing the range to make durable. */
	auto *second = reinterpret_cast<struct future_chain_entry *>(&f.data.fin);
	EXPECT_TRUE(FUTURE_CHAIN_ENTRY_IS_LAST(second));
	EXPECT_EQ(second->future.context.data_size, sizeof(struct pmem2_persist_future_data));
	EXPECT_EQ(second->future.context.output_size, sizeof(struct pmem2_persist_future_output));
	EXPECT_EQ(f.data.fin.fut.persist.data.map, m.map());
	EXPECT_EQ(f.data.fin.fut.persist.data.ptr, m.base());
	EXPECT_EQ(f.data.fin.fut.persist.data.size, sizeof(src));

	/* The generic walk of the chain finds exactly these two entries. */
	std::size_t used = 0;
	auto *data = reinterpret_cast<std::uint8_t *>(&f.data);
	auto *next = get_next_future_chain_entry(&f.base.context, first, data, &used);
	EXPECT_EQ(next, second);
	EXPECT_EQ(get_next_future_chain_entry(&f.base.context, second, data, &used), nullptr);
	EXPECT_EQ(used, sizeof(struct pmem2_future_data));

	/* A future moved while IDLE still works. */
	struct pmem2_future moved;
	std::memcpy(&moved, &f, sizeof(f));
	FUTURE_BUSY_POLL(&moved);
	EXPECT_EQ(FUTURE_OUTPUT(&moved)->dest, m.base());
	EXPECT_EQ(m.base()[0], 1);
	EXPECT_TRUE(FUTURE_CHAIN_ENTRY_IS_PROCESSED(
	    reinterpret_cast<struct future_chain_entry *>(&moved.data.fin)));
}

/* The source-compatible helper of PMDK's header: a persist future. */
TEST(async_layout, pmem2_persist_future_persists)
{
	shm_map m(1 << 20, PMEM2_GRANULARITY_CACHE_LINE, nullptr);
	ASSERT_NE(m.map(), nullptr);
	m.base()[5] = 9;
	union pmem2_finalize_future fin = pmem2_persist_future(m.map(), m.base(), 64);
	struct future_notifier n {
	};
	n.notifier_used = FUTURE_NOTIFIER_WAKER;
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fin.persist), &n), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(n.notifier_used, FUTURE_NOTIFIER_NONE);
	EXPECT_EQ(m.pread_range(5, 1)[0], 9);
}

} // namespace
