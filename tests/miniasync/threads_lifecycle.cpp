/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's lifecycle edges: invalid and rounded parameters,
 * thread-creation failure, the default mover's size, delete with work still
 * queued, and the operation-record pool (independent of the queue size,
 * exhaustion reported at creation, records freed in any order).
 */

#include "threads_common.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

using namespace threads_test;

TEST(threads_lifecycle, zero_threads_is_einval)
{
	errno = 0;
	EXPECT_EQ(data_mover_threads_new(0, 16, FUTURE_NOTIFIER_WAKER), nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(threads_lifecycle, zero_ring_is_einval)
{
	errno = 0;
	EXPECT_EQ(data_mover_threads_new(1, 0, FUTURE_NOTIFIER_WAKER), nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(threads_lifecycle, unknown_notifier_is_einval)
{
	for (int bad : {3, 7, -1}) {
		enum future_notifier_type type;
		std::memcpy(&type, &bad, sizeof(type)); /* what a C caller can pass */
		errno = 0;
		EXPECT_EQ(data_mover_threads_new(1, 16, type), nullptr);
		EXPECT_EQ(errno, EINVAL);
	}
}

TEST(threads_lifecycle, absurd_sizes_are_einval)
{
	errno = 0;
	EXPECT_EQ(data_mover_threads_new(1, SIZE_MAX, FUTURE_NOTIFIER_WAKER), nullptr);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(data_mover_threads_new(SIZE_MAX, 16, FUTURE_NOTIFIER_WAKER), nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(threads_lifecycle, ring_size_is_rounded_up_to_a_power_of_two)
{
	struct {
		std::size_t asked, got;
	} cases[] = {{1, 2}, {2, 2}, {3, 4}, {5, 8}, {100, 128}, {128, 128}, {129, 256}};
	for (auto c : cases) {
		data_mover_threads *m = data_mover_threads_new(1, c.asked, FUTURE_NOTIFIER_NONE);
		ASSERT_NE(m, nullptr);
		EXPECT_EQ(masync::detail::threads_mover_config(m).ring_size, c.got) << c.asked;
		/* And it works. */
		char a[8192], b[8192];
		std::memset(a, 'q', sizeof(a));
		auto f = vdm_memcpy(data_mover_threads_get_vdm(m), b, a, sizeof(a), 0);
		FUTURE_BUSY_POLL(&f);
		EXPECT_EQ(std::memcmp(a, b, sizeof(a)), 0);
		data_mover_threads_delete(m);
	}
}

TEST(threads_lifecycle, thread_creation_failure_returns_null_with_errno)
{
	for (int at : {0, 1, 3}) {
		masync::detail::threads_test_fail_thread_creation_at(at);
		errno = 0;
		EXPECT_EQ(data_mover_threads_new(4, 16, FUTURE_NOTIFIER_WAKER), nullptr) << at;
		EXPECT_EQ(errno, EAGAIN);
		masync::detail::threads_test_fail_thread_creation_at(-1);
	}
	/* And creation works again afterwards. */
	data_mover_threads *m = data_mover_threads_new(4, 16, FUTURE_NOTIFIER_WAKER);
	EXPECT_NE(m, nullptr);
	data_mover_threads_delete(m);
}

TEST(threads_lifecycle, default_is_sized_for_the_machine)
{
	data_mover_threads *m = data_mover_threads_default();
	ASSERT_NE(m, nullptr);
	const auto &c = masync::detail::threads_mover_config(m);
	unsigned hw = std::thread::hardware_concurrency();
	EXPECT_EQ(c.nthreads, hw <= 1 ? 1u : hw - 1); /* one CPU left to the polling thread */
	EXPECT_EQ(c.ring_size, 1024u);
	EXPECT_EQ(c.notifier, FUTURE_NOTIFIER_WAKER);
	EXPECT_GE(c.records, 16384u);
	data_mover_threads_delete(m);
}

TEST(threads_lifecycle, delete_null_is_a_no_op)
{
	data_mover_threads_delete(nullptr);
}

TEST(threads_lifecycle, delete_right_after_create_does_not_hang)
{
	for (int i = 0; i < 50; ++i) {
		data_mover_threads *m = data_mover_threads_new(3, 4, FUTURE_NOTIFIER_WAKER);
		ASSERT_NE(m, nullptr);
		data_mover_threads_delete(m);
	}
}

/* ---- delete with work queued ---- */

namespace
{
threads_test::gate *held = nullptr;
std::atomic<int> entered{0};
std::atomic<int> executed{0};

void *held_memcpy(void *d, const void *s, std::size_t n, unsigned flags)
{
	(void)flags;
	entered.fetch_add(1);
	held->wait();
	executed.fetch_add(1);
	return std::memcpy(d, s, n);
}
} // namespace

TEST(threads_lifecycle, delete_completes_queued_operations_first)
{
	threads_test::gate g;
	held = &g;
	entered = 0;
	executed = 0;
	data_mover_threads *m = data_mover_threads_new(1, 16, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	data_mover_threads_set_memcpy_fn(m, held_memcpy);
	struct vdm *vdm = data_mover_threads_get_vdm(m);

	constexpr int count = 10;
	std::vector<std::vector<char>> src, dst;
	std::vector<vdm_operation_future> futs;
	for (int i = 0; i < count; ++i) {
		src.emplace_back(4096, static_cast<char>('a' + i));
		dst.emplace_back(4096, 0);
		futs.push_back(vdm_memcpy(vdm, dst[i].data(), src[i].data(), 4096, 0));
	}
	/* Start them all: the worker takes the first and blocks; the rest stay queued. */
	for (auto &f : futs)
		EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), nullptr), FUTURE_STATE_RUNNING);
	wait_until([] { return entered.load() == 1; });

	std::thread deleter([m] { data_mover_threads_delete(m); });
	g.open();
	deleter.join();
	EXPECT_EQ(executed.load(), count);
	for (int i = 0; i < count; ++i)
		EXPECT_EQ(dst[i], src[i]) << i;
	/* (The futures must not be polled any more: their mover is gone.) */
}

/* ---- the record pool ---- */

TEST(threads_records, two_hundred_futures_on_a_32_slot_queue)
{
	for (auto notifier :
	     {FUTURE_NOTIFIER_NONE, FUTURE_NOTIFIER_WAKER, FUTURE_NOTIFIER_POLLER}) {
		data_mover_threads *m = data_mover_threads_new(2, 32, notifier);
		ASSERT_NE(m, nullptr);
		struct vdm *vdm = data_mover_threads_get_vdm(m);
		constexpr int count = 200;
		std::vector<std::vector<char>> src, dst;
		std::vector<vdm_operation_future> futs;
		for (int i = 0; i < count; ++i) {
			src.emplace_back(4096 + i, static_cast<char>(i));
			dst.emplace_back(4096 + i, 0);
		}
		for (int i = 0; i < count; ++i) {
			futs.push_back(
			    vdm_memcpy(vdm, dst[i].data(), src[i].data(), src[i].size(), 0));
			ASSERT_EQ(FUTURE_STATE(&futs.back()), FUTURE_STATE_IDLE) << i;
		}
		counting_waker w;
		auto n = w.notifier();
		int done = 0;
		while (done < count) {
			done = 0;
			for (auto &f : futs)
				done += future_poll(FUTURE_AS_RUNNABLE(&f), &n) ==
				        FUTURE_STATE_COMPLETE;
		}
		for (int i = 0; i < count; ++i) {
			EXPECT_EQ(FUTURE_OUTPUT(&futs[i])->result, VDM_SUCCESS);
			EXPECT_EQ(dst[i], src[i]) << i;
		}
		data_mover_threads_delete(m);
	}
}

TEST(threads_records, exhaustion_is_out_of_memory_at_creation_and_any_order_frees)
{
	constexpr std::uint32_t records = 8;
	data_mover_threads *m = make_mover(1, 4, FUTURE_NOTIFIER_WAKER, records);
	ASSERT_NE(m, nullptr);
	struct vdm *vdm = data_mover_threads_get_vdm(m);
	std::vector<char> src(4096, 'z');
	std::vector<std::vector<char>> dst(records + 1, std::vector<char>(4096));
	std::vector<vdm_operation_future> futs;
	for (std::uint32_t i = 0; i < records; ++i) {
		futs.push_back(vdm_memcpy(vdm, dst[i].data(), src.data(), 4096, 0));
		ASSERT_EQ(FUTURE_STATE(&futs.back()), FUTURE_STATE_IDLE);
	}
	auto over = vdm_memcpy(vdm, dst[records].data(), src.data(), 4096, 0);
	EXPECT_EQ(FUTURE_STATE(&over), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(FUTURE_OUTPUT(&over)->result, VDM_ERROR_OUT_OF_MEMORY);
	/* Polling it is harmless and runs nothing. */
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&over), nullptr), FUTURE_STATE_COMPLETE);
	EXPECT_NE(dst[records], src);

	/* Complete the last one first: its record is reusable although the others are pending. */
	FUTURE_BUSY_POLL(&futs[records - 1]);
	auto again = vdm_memcpy(vdm, dst[records].data(), src.data(), 4096, 0);
	EXPECT_EQ(FUTURE_STATE(&again), FUTURE_STATE_IDLE);
	FUTURE_BUSY_POLL(&again);
	EXPECT_EQ(dst[records], src);
	/* Then the rest, in a scrambled order. */
	for (std::uint32_t i : {3u, 0u, 6u, 1u, 5u, 2u, 4u})
		FUTURE_BUSY_POLL(&futs[i]);
	for (std::uint32_t i = 0; i < records; ++i)
		EXPECT_EQ(dst[i], src);
	/* All records are back. */
	for (std::uint32_t i = 0; i < records; ++i) {
		futs[i] = vdm_memcpy(vdm, dst[i].data(), src.data(), 16, 0);
		EXPECT_EQ(FUTURE_STATE(&futs[i]), FUTURE_STATE_IDLE);
	}
	for (auto &f : futs)
		FUTURE_BUSY_POLL(&f);
	data_mover_threads_delete(m);
}

TEST(threads_records, default_pool_holds_sixteen_ki_futures)
{
	data_mover_threads *m = data_mover_threads_new(1, 8, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	struct vdm *vdm = data_mover_threads_get_vdm(m);
	char a = 1, b = 0;
	std::vector<vdm_operation_future> futs;
	futs.reserve(16384);
	for (int i = 0; i < 16384; ++i) {
		futs.push_back(vdm_memcpy(vdm, &b, &a, 1, 0));
		ASSERT_EQ(FUTURE_STATE(&futs.back()), FUTURE_STATE_IDLE) << i;
	}
	for (auto &f : futs)
		FUTURE_BUSY_POLL(&f);
	data_mover_threads_delete(m);
}
