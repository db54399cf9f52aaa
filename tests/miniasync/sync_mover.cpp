/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The synchronous data mover: the four operations, their outputs,
 * VDM_F_MEM_DURABLE, the bounded record pool (exhaustion, reuse in any
 * order) and many threads on one mover.
 */

#include "libminiasync.h"
#include "miniasync/data_mover_sync.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

namespace
{

struct mover_deleter {
	void operator()(data_mover_sync *m) const { data_mover_sync_delete(m); }
};
using mover_ptr = std::unique_ptr<data_mover_sync, mover_deleter>;

mover_ptr make_mover(std::uint32_t capacity = 0)
{
	data_mover_sync *m = capacity ? masync::detail::data_mover_sync_new_capacity(capacity)
	                              : data_mover_sync_new();
	EXPECT_NE(m, nullptr);
	return mover_ptr(m);
}

std::vector<unsigned char> pattern(std::size_t n, unsigned seed)
{
	std::vector<unsigned char> v(n);
	for (std::size_t i = 0; i < n; ++i)
		v[i] = static_cast<unsigned char>(i * 31 + seed);
	return v;
}

} // namespace

TEST(sync_mover, vdm_is_the_mover)
{
	auto m = make_mover();
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	EXPECT_EQ(static_cast<void *>(vdm), static_cast<void *>(m.get()));
	EXPECT_NE(vdm->op_new, nullptr);
	EXPECT_NE(vdm->op_start, nullptr);
	EXPECT_NE(vdm->op_check, nullptr);
	EXPECT_NE(vdm->op_delete, nullptr);
	/* Old binaries call has_property without a NULL check: it must be set. */
	EXPECT_NE(vdm->has_property, nullptr);
	EXPECT_TRUE(vdm_is_supported(vdm, VDM_F_MEM_DURABLE));
}

TEST(sync_mover, delete_null_is_harmless)
{
	data_mover_sync_delete(nullptr);
	EXPECT_EQ(data_mover_sync_get_vdm(nullptr), nullptr);
}

TEST(sync_mover, memcpy_completes_on_first_poll)
{
	auto m = make_mover();
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	auto src = pattern(4096 + 3, 7);
	std::vector<unsigned char> dst(src.size(), 0);

	auto fut = vdm_memcpy(vdm, dst.data(), src.data(), src.size(), 0);
	EXPECT_EQ(FUTURE_STATE(&fut), FUTURE_STATE_IDLE);
	EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&fut), FUTURE_PROPERTY_ASYNC), 0);

	struct future_notifier n;
	std::memset(&n, 0, sizeof(n));
	n.notifier_used = FUTURE_NOTIFIER_WAKER; /* the mover must say it uses none */
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fut), &n), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(n.notifier_used, FUTURE_NOTIFIER_NONE);
	EXPECT_EQ(dst, src);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->type, VDM_OPERATION_MEMCPY);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->output.memcpy.dest, dst.data());

	/* Polling a complete future changes nothing. */
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fut), nullptr), FUTURE_STATE_COMPLETE);
}

TEST(sync_mover, memmove_handles_overlap_both_ways)
{
	auto m = make_mover();
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	auto buf = pattern(1000, 3);
	auto expect = buf;

	/* Forward overlap: dest after src. */
	std::memmove(expect.data() + 100, expect.data(), 600);
	auto fut = vdm_memmove(vdm, buf.data() + 100, buf.data(), 600, 0);
	FUTURE_BUSY_POLL(&fut);
	EXPECT_EQ(buf, expect);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->type, VDM_OPERATION_MEMMOVE);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->output.memmove.dest, buf.data() + 100);

	/* Backward overlap: dest before src. */
	std::memmove(expect.data(), expect.data() + 250, 700);
	fut = vdm_memmove(vdm, buf.data(), buf.data() + 250, 700, 0);
	FUTURE_BUSY_POLL(&fut);
	EXPECT_EQ(buf, expect);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
}

TEST(sync_mover, memset_uses_low_byte)
{
	auto m = make_mover();
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	std::vector<unsigned char> buf(300, 1);
	auto fut = vdm_memset(vdm, buf.data() + 10, 0x1a5, 200, 0);
	FUTURE_BUSY_POLL(&fut);
	for (std::size_t i = 0; i < buf.size(); ++i)
		ASSERT_EQ(buf[i], (i >= 10 && i < 210) ? 0xa5 : 1) << "at " << i;
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->type, VDM_OPERATION_MEMSET);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->output.memset.str, buf.data() + 10);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
}

TEST(sync_mover, flush_completes_and_keeps_data)
{
	auto m = make_mover();
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	auto buf = pattern(10000, 9);
	auto copy = buf;
	/* Unaligned start and length, spanning many lines. */
	auto fut = vdm_flush(vdm, buf.data() + 5, 9000, 0);
	FUTURE_BUSY_POLL(&fut);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->type, VDM_OPERATION_FLUSH);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->output.flush.unused, 0u);
	EXPECT_EQ(buf, copy);
}

TEST(sync_mover, durable_flag_and_zero_length)
{
	auto m = make_mover();
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	auto src = pattern(777, 1);
	std::vector<unsigned char> dst(777, 0);
	auto f1 = vdm_memcpy(vdm, dst.data(), src.data(), src.size(), VDM_F_MEM_DURABLE);
	FUTURE_BUSY_POLL(&f1);
	EXPECT_EQ(dst, src);
	auto f2 = vdm_memset(vdm, dst.data(), 0, dst.size(), VDM_F_MEM_DURABLE);
	FUTURE_BUSY_POLL(&f2);
	EXPECT_EQ(dst, std::vector<unsigned char>(777, 0));
	auto f3 = vdm_memmove(vdm, dst.data() + 1, dst.data(), 700,
	                      VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT);
	FUTURE_BUSY_POLL(&f3);
	EXPECT_EQ(FUTURE_OUTPUT(&f3)->result, VDM_SUCCESS);

	/* n == 0: nothing is touched, not even the (NULL) pointers. */
	auto f4 = vdm_memcpy(vdm, nullptr, nullptr, 0, VDM_F_MEM_DURABLE);
	FUTURE_BUSY_POLL(&f4);
	EXPECT_EQ(FUTURE_OUTPUT(&f4)->result, VDM_SUCCESS);
	auto f5 = vdm_flush(vdm, nullptr, 0, 0);
	FUTURE_BUSY_POLL(&f5);
	EXPECT_EQ(FUTURE_OUTPUT(&f5)->result, VDM_SUCCESS);
}

TEST(sync_mover, unknown_operation_reports_job_corrupted)
{
	auto m = make_mover(1);
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	int x = 5;
	auto fut = vdm_memset(vdm, &x, 0, sizeof(x), 0);
	const int bogus = 77; /* not an enumerator: stored raw */
	std::memcpy(&fut.data.operation.type, &bogus, sizeof(bogus));
	FUTURE_BUSY_POLL(&fut);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_ERROR_JOB_CORRUPTED);
	EXPECT_EQ(x, 5);
	/* Its record came back. */
	auto again = vdm_memset(vdm, &x, 0, sizeof(x), 0);
	EXPECT_EQ(FUTURE_STATE(&again), FUTURE_STATE_IDLE);
	FUTURE_BUSY_POLL(&again);
	EXPECT_EQ(x, 0);
}

/* The default pool holds at least 16 Ki records; one more is refused. */
TEST(sync_mover, default_pool_is_16ki_and_bounded)
{
	auto m = make_mover();
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	char a = 1, b = 0;
	std::vector<vdm_operation_future> futs;
	futs.reserve(masync::detail::sync_mover_default_records);
	for (std::uint32_t i = 0; i < masync::detail::sync_mover_default_records; ++i) {
		futs.push_back(vdm_memcpy(vdm, &b, &a, 1, 0));
		ASSERT_EQ(FUTURE_STATE(&futs.back()), FUTURE_STATE_IDLE) << i;
	}
	auto over = vdm_memcpy(vdm, &b, &a, 1, 0);
	EXPECT_EQ(FUTURE_STATE(&over), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(FUTURE_OUTPUT(&over)->result, VDM_ERROR_OUT_OF_MEMORY);
	EXPECT_EQ(b, 0) << "a refused future must not run";
	for (auto &f : futs)
		FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(b, 1);
}

/*
 * Regression (miniasync freed records in FIFO order only, so one unfinished
 * operation kept every later one from reusing its record): completing any
 * future, in any order, makes room for a new one.
 */
TEST(sync_mover, records_are_reused_in_any_order)
{
	constexpr std::uint32_t cap = 8;
	auto m = make_mover(cap);
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	int src[cap], dst[cap];
	std::iota(src, src + cap, 100);
	std::vector<vdm_operation_future> futs;
	for (std::uint32_t i = 0; i < cap; ++i)
		futs.push_back(vdm_memcpy(vdm, &dst[i], &src[i], sizeof(int), 0));
	auto full = vdm_memcpy(vdm, &dst[0], &src[0], sizeof(int), 0);
	ASSERT_EQ(FUTURE_OUTPUT(&full)->result, VDM_ERROR_OUT_OF_MEMORY);

	/* futs[0] stays unfinished the whole time; complete the others backwards. */
	for (std::uint32_t i = cap - 1; i >= 1; --i) {
		FUTURE_BUSY_POLL(&futs[i]);
		EXPECT_EQ(dst[i], src[i]);
		auto next = vdm_memset(vdm, &dst[i], 0, sizeof(int), 0);
		ASSERT_EQ(FUTURE_STATE(&next), FUTURE_STATE_IDLE) << "record of " << i;
		auto none = vdm_memset(vdm, &dst[i], 0, sizeof(int), 0);
		EXPECT_EQ(FUTURE_OUTPUT(&none)->result, VDM_ERROR_OUT_OF_MEMORY);
		futs[i] = next;
	}
	/* Complete the rest in a scattered order, the oldest last. */
	for (std::uint32_t i : {3u, 1u, 7u, 5u, 2u, 6u, 4u, 0u}) {
		FUTURE_BUSY_POLL(&futs[i]);
		EXPECT_EQ(dst[i], i == 0 ? src[0] : 0);
	}
	/* All records are free again. */
	std::vector<vdm_operation_future> again;
	for (std::uint32_t i = 0; i < cap; ++i) {
		again.push_back(vdm_memset(vdm, &dst[i], 0, sizeof(int), 0));
		EXPECT_EQ(FUTURE_STATE(&again.back()), FUTURE_STATE_IDLE);
	}
	for (auto &f : again)
		FUTURE_BUSY_POLL(&f);
}

TEST(sync_mover, futures_can_be_moved_before_polling)
{
	auto m = make_mover();
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	int a = 42, b = 0;
	auto f = vdm_memcpy(vdm, &b, &a, sizeof(a), 0);
	vdm_operation_future moved;
	std::memcpy(&moved, &f, sizeof(f));
	FUTURE_BUSY_POLL(&moved);
	EXPECT_EQ(b, 42);
}

/* Many threads create and poll futures on one mover, with a small pool. */
TEST(sync_mover, many_threads_one_mover)
{
	constexpr unsigned nthreads = 8;
	constexpr unsigned per_thread = 5000;
	constexpr unsigned batch = 4;
	auto m = make_mover(nthreads * batch); /* exactly enough, never more */
	struct vdm *vdm = data_mover_sync_get_vdm(m.get());
	std::atomic<unsigned> errors{0};

	std::vector<std::thread> threads;
	for (unsigned t = 0; t < nthreads; ++t) {
		threads.emplace_back([&, t] {
			std::uint64_t src[batch], dst[batch];
			for (unsigned it = 0; it < per_thread; ++it) {
				vdm_operation_future futs[batch];
				for (unsigned k = 0; k < batch; ++k) {
					src[k] = (std::uint64_t(t) << 32) | (it * batch + k);
					dst[k] = 0;
					futs[k] =
					    vdm_memcpy(vdm, &dst[k], &src[k], sizeof(src[k]), 0);
					if (FUTURE_STATE(&futs[k]) != FUTURE_STATE_IDLE)
						errors++;
				}
				/* Complete in reverse order to mix the pool. */
				for (unsigned k = batch; k-- > 0;) {
					FUTURE_BUSY_POLL(&futs[k]);
					if (dst[k] != src[k] ||
					    FUTURE_OUTPUT(&futs[k])->result != VDM_SUCCESS)
						errors++;
				}
			}
		});
	}
	for (auto &th : threads)
		th.join();
	EXPECT_EQ(errors.load(), 0u);
}
