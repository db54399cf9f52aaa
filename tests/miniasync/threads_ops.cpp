/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's operations: every kind, sizes from 0 to several
 * chunks, every flag, custom functions, where operations run (inline or on a
 * worker), splitting, and the vdm-level facts (get_vdm, capabilities,
 * properties, outputs).
 */

#include "threads_common.hpp"
#include "libminiasync/runtime.h"
#include "common/test_hook.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

using namespace threads_test;

namespace
{

std::vector<unsigned char> pattern(std::size_t n, unsigned seed)
{
	std::vector<unsigned char> v(n);
	std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	for (std::size_t i = 0; i < n; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		std::memcpy(v.data() + i, &x, n - i < 8 ? n - i : 8);
	}
	return v;
}

/* True when every byte of [p, p + n) is c. */
bool all_bytes(const unsigned char *p, std::size_t n, unsigned char c)
{
	for (std::size_t i = 0; i < n; ++i)
		if (p[i] != c)
			return false;
	return true;
}

void run(struct vdm_operation_future *f)
{
	FUTURE_BUSY_POLL(f);
}

class mover_per_notifier : public ::testing::TestWithParam<future_notifier_type>
{
      protected:
	void SetUp() override
	{
		m = data_mover_threads_new(2, 64, GetParam());
		ASSERT_NE(m, nullptr);
		vdm = data_mover_threads_get_vdm(m);
	}
	void TearDown() override { data_mover_threads_delete(m); }
	data_mover_threads *m = nullptr;
	struct vdm *vdm = nullptr;
};

const std::size_t sizes[] = {0,         1,
                             63,        64,
                             255,       256,
                             257,       4095,
                             4096,      4097,
                             65536 + 7, (1u << 20) - 1,
                             1u << 21,  (3u << 20) + 17,
                             9u << 20};

/* Fewer sizes for the flag matrix: still inline, queued, and split (>= 2 chunks). */
const std::size_t flag_sizes[] = {
    0, 1, 63, 64, 255, 256, 257, 4095, 4096, 65536 + 7, (3u << 20) + 17};

} // namespace

TEST(threads_vdm, get_vdm_is_the_mover_address_and_capabilities_are_advertised)
{
	data_mover_threads *m = data_mover_threads_new(1, 8, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	struct vdm *vdm = data_mover_threads_get_vdm(m);
	EXPECT_EQ(static_cast<void *>(vdm), static_cast<void *>(m));
	EXPECT_TRUE(vdm_is_supported(vdm, VDM_F_MEM_DURABLE));
	EXPECT_TRUE(vdm_is_supported(vdm, VDM_F_NO_CACHE_HINT));
	EXPECT_TRUE(vdm_is_supported(vdm, VDM_F_VALID_FLAGS));
	EXPECT_NE(vdm->has_property, nullptr);

	char a[16] = "abc", b[16] = {};
	auto f = vdm_memcpy(vdm, b, a, sizeof(a), 0);
	EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&f), FUTURE_PROPERTY_ASYNC), 1);
	run(&f);
	data_mover_threads_delete(m);
}

TEST_P(mover_per_notifier, memcpy_every_size_and_alignment)
{
	for (std::size_t n : sizes) {
		for (std::size_t align : {0, 1, 13}) {
			auto src = pattern(n + 64, static_cast<unsigned>(n + align));
			std::vector<unsigned char> dst(n + 64, 0xee);
			auto f = vdm_memcpy(vdm, dst.data() + align, src.data() + align, n, 0);
			ASSERT_EQ(FUTURE_STATE(&f), FUTURE_STATE_IDLE);
			run(&f);
			EXPECT_EQ(FUTURE_OUTPUT(&f)->type, VDM_OPERATION_MEMCPY);
			EXPECT_EQ(FUTURE_OUTPUT(&f)->result, VDM_SUCCESS);
			EXPECT_EQ(FUTURE_OUTPUT(&f)->output.memcpy.dest, dst.data() + align);
			ASSERT_TRUE(all_bytes(dst.data(), align, 0xee));
			ASSERT_EQ(std::memcmp(dst.data() + align, src.data() + align, n), 0)
			    << "n=" << n;
			ASSERT_TRUE(
			    all_bytes(dst.data() + align + n, dst.size() - align - n, 0xee));
		}
	}
}

TEST_P(mover_per_notifier, memset_every_size)
{
	for (std::size_t n : sizes) {
		std::vector<unsigned char> dst(n + 2, 0xee);
		auto f = vdm_memset(vdm, dst.data() + 1, 0x5a5a, n, 0);
		run(&f);
		EXPECT_EQ(FUTURE_OUTPUT(&f)->type, VDM_OPERATION_MEMSET);
		EXPECT_EQ(FUTURE_OUTPUT(&f)->output.memset.str, dst.data() + 1);
		ASSERT_EQ(dst[0], 0xee);
		ASSERT_EQ(dst[n + 1], 0xee);
		ASSERT_TRUE(all_bytes(dst.data() + 1, n, 0x5a)) << "n=" << n;
	}
}

TEST_P(mover_per_notifier, memmove_overlapping_both_directions)
{
	for (std::size_t n : sizes) {
		for (std::ptrdiff_t shift : {-4097, -1, 1, 64, 4097}) {
			auto buf = pattern(n + 16384, static_cast<unsigned>(n));
			auto ref = buf;
			char *base = reinterpret_cast<char *>(buf.data()) + 8192;
			char *rbase = reinterpret_cast<char *>(ref.data()) + 8192;
			auto f = vdm_memmove(vdm, base + shift, base, n, 0);
			run(&f);
			EXPECT_EQ(FUTURE_OUTPUT(&f)->type, VDM_OPERATION_MEMMOVE);
			EXPECT_EQ(FUTURE_OUTPUT(&f)->output.memmove.dest, base + shift);
			std::memmove(rbase + shift, rbase, n);
			ASSERT_EQ(buf, ref) << "n=" << n << " shift=" << shift;
		}
	}
}

TEST_P(mover_per_notifier, flush_completes_and_keeps_the_data)
{
	for (std::size_t n : sizes) {
		auto data = pattern(n + 1, 7);
		auto copy = data;
		auto f = vdm_flush(vdm, data.data(), n, 0);
		run(&f);
		EXPECT_EQ(FUTURE_OUTPUT(&f)->type, VDM_OPERATION_FLUSH);
		EXPECT_EQ(FUTURE_OUTPUT(&f)->result, VDM_SUCCESS);
		EXPECT_EQ(data, copy);
	}
}

TEST(threads_flags, every_flag_combination_gives_the_same_bytes)
{
	data_mover_threads *m = data_mover_threads_new(2, 64, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	struct vdm *vdm = data_mover_threads_get_vdm(m);
	for (std::uint64_t flags : {std::uint64_t(0), std::uint64_t(VDM_F_MEM_DURABLE),
	                            std::uint64_t(VDM_F_NO_CACHE_HINT),
	                            std::uint64_t(VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT)}) {
		for (std::size_t n : flag_sizes) {
			for (std::size_t align : {0, 5}) {
				auto src = pattern(n + 64, static_cast<unsigned>(n * 3 + flags));
				std::vector<unsigned char> dst(n + 64, 0xee);
				auto f = vdm_memcpy(vdm, dst.data() + align, src.data(), n, flags);
				run(&f);
				ASSERT_EQ(std::memcmp(dst.data() + align, src.data(), n), 0);
				ASSERT_EQ(dst[align + n], 0xee);

				auto g = vdm_memset(vdm, dst.data() + align, 0x11, n, flags);
				run(&g);
				ASSERT_TRUE(all_bytes(dst.data() + align, n, 0x11));
				ASSERT_EQ(dst[align + n], 0xee);

				auto h = vdm_memmove(vdm, dst.data() + align, src.data(), n, flags);
				run(&h);
				ASSERT_EQ(std::memcmp(dst.data() + align, src.data(), n), 0);

				auto k = vdm_flush(vdm, dst.data() + align, n, flags);
				run(&k);
			}
		}
	}
	data_mover_threads_delete(m);
}

INSTANTIATE_TEST_SUITE_P(threads, mover_per_notifier,
                         ::testing::Values(FUTURE_NOTIFIER_NONE, FUTURE_NOTIFIER_WAKER,
                                           FUTURE_NOTIFIER_POLLER));

/* ---- custom functions ---- */

namespace
{
std::atomic<unsigned> seen_flags{0};
std::atomic<int> custom_calls{0};
std::mutex seen_threads_lock;
std::set<std::thread::id> seen_threads;

void *my_memcpy(void *d, const void *s, std::size_t n, unsigned flags)
{
	seen_flags.store(flags);
	custom_calls.fetch_add(1);
	{
		std::lock_guard<std::mutex> g(seen_threads_lock);
		seen_threads.insert(std::this_thread::get_id());
	}
	return std::memcpy(d, s, n);
}
void *my_memmove(void *d, const void *s, std::size_t n, unsigned flags)
{
	seen_flags.store(flags);
	custom_calls.fetch_add(1);
	return std::memmove(d, s, n);
}
void *my_memset(void *d, int c, std::size_t n, unsigned flags)
{
	seen_flags.store(flags);
	custom_calls.fetch_add(1);
	return std::memset(d, c, n);
}
} // namespace

TEST(threads_custom_fns, receive_the_operation_flags)
{
	data_mover_threads *m = data_mover_threads_new(2, 16, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	data_mover_threads_set_memcpy_fn(m, my_memcpy);
	data_mover_threads_set_memmove_fn(m, my_memmove);
	data_mover_threads_set_memset_fn(m, my_memset);
	struct vdm *vdm = data_mover_threads_get_vdm(m);
	std::vector<char> a(8192, 'a'), b(8192, 'b');
	for (std::size_t n : {std::size_t(16), std::size_t(8192)}) {
		for (unsigned flags :
		     {0u, unsigned(VDM_F_MEM_DURABLE), unsigned(VDM_F_NO_CACHE_HINT),
		      unsigned(VDM_F_VALID_FLAGS)}) {
			custom_calls = 0;
			seen_flags = 0xffff;
			auto f = vdm_memcpy(vdm, b.data(), a.data(), n, flags);
			run(&f);
			EXPECT_EQ(custom_calls.load(), 1);
			EXPECT_EQ(seen_flags.load(), flags);

			custom_calls = 0;
			seen_flags = 0xffff;
			auto g = vdm_memmove(vdm, b.data(), a.data(), n, flags);
			run(&g);
			EXPECT_EQ(custom_calls.load(), 1);
			EXPECT_EQ(seen_flags.load(), flags);

			custom_calls = 0;
			seen_flags = 0xffff;
			auto h = vdm_memset(vdm, b.data(), 'c', n, flags);
			run(&h);
			EXPECT_EQ(custom_calls.load(), 1);
			EXPECT_EQ(seen_flags.load(), flags);
			EXPECT_EQ(b[n - 1], 'c');
		}
	}
	data_mover_threads_delete(m);
}

/* 4 KiB operations are handed to the workers; only tiny ones may run on the caller. */
TEST(threads_custom_fns, four_kib_runs_on_a_worker_tiny_may_run_inline)
{
	data_mover_threads *m = data_mover_threads_new(1, 16, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	data_mover_threads_set_memcpy_fn(m, my_memcpy);
	struct vdm *vdm = data_mover_threads_get_vdm(m);
	std::vector<char> a(4096, 'a'), b(4096);
	{
		std::lock_guard<std::mutex> g(seen_threads_lock);
		seen_threads.clear();
	}
	for (int i = 0; i < 10; ++i) {
		auto f = vdm_memcpy(vdm, b.data(), a.data(), 4096, 0);
		run(&f);
	}
	{
		std::lock_guard<std::mutex> g(seen_threads_lock);
		EXPECT_EQ(seen_threads.count(std::this_thread::get_id()), 0u);
		EXPECT_EQ(seen_threads.size(), 1u);
		seen_threads.clear();
	}
	/* At the default threshold a 64-byte copy completes within its first poll. */
	auto f = vdm_memcpy(vdm, b.data(), a.data(), 64, 0);
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), nullptr), FUTURE_STATE_COMPLETE);
	{
		std::lock_guard<std::mutex> g(seen_threads_lock);
		EXPECT_EQ(seen_threads.count(std::this_thread::get_id()), 1u);
	}
	data_mover_threads_delete(m);
}

/* With inlining off, even a 1-byte copy is done by a worker. */
TEST(threads_custom_fns, inline_threshold_zero_hands_everything_over)
{
	data_mover_threads *m = make_mover(1, 16, FUTURE_NOTIFIER_WAKER, 64, 0);
	ASSERT_NE(m, nullptr);
	data_mover_threads_set_memcpy_fn(m, my_memcpy);
	struct vdm *vdm = data_mover_threads_get_vdm(m);
	char a = 'x', b = 0;
	{
		std::lock_guard<std::mutex> g(seen_threads_lock);
		seen_threads.clear();
	}
	auto f = vdm_memcpy(vdm, &b, &a, 1, 0);
	run(&f);
	EXPECT_EQ(b, 'x');
	{
		std::lock_guard<std::mutex> g(seen_threads_lock);
		EXPECT_EQ(seen_threads.count(std::this_thread::get_id()), 0u);
	}
	data_mover_threads_delete(m);
}

/* A large copy is split: more than one worker takes part (with enough chunks and a held gate). */
namespace
{
std::atomic<int> split_inside{0};
std::mutex split_lock;
std::set<std::thread::id> split_threads;

void *split_memcpy(void *d, const void *s, std::size_t n, unsigned flags)
{
	(void)flags;
	{
		std::lock_guard<std::mutex> g(split_lock);
		split_threads.insert(std::this_thread::get_id());
	}
	/* The first two chunks wait until both are in progress, so two workers must run them. */
	if (split_inside.fetch_add(1) < 2) {
		wait_until([] { return split_inside.load() >= 2; });
	}
	return std::memcpy(d, s, n);
}
} // namespace

TEST(threads_split, large_copy_uses_several_workers)
{
	data_mover_threads *m = data_mover_threads_new(2, 16, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	data_mover_threads_set_memcpy_fn(m, split_memcpy);
	const auto &cfg = masync::detail::threads_mover_config(m);
	std::size_t n = cfg.chunk_size * 4 + 123;
	auto src = pattern(n, 3);
	std::vector<unsigned char> dst(n);
	auto f = vdm_memcpy(data_mover_threads_get_vdm(m), dst.data(), src.data(), n, 0);
	run(&f);
	EXPECT_EQ(dst, src);
	EXPECT_EQ(split_threads.size(), 2u);
	EXPECT_EQ(split_threads.count(std::this_thread::get_id()), 0u);
	data_mover_threads_delete(m);
}

/*
 * runtime_wait lends a hand: the waiting thread copies chunks of the large
 * operation it waits for (workers are slowed down here so that it surely
 * gets some), every byte arrives, and a FUTURE_BUSY_POLL wait (no runtime)
 * leaves all the work to the workers. runtime_wait_multiple with several
 * large copies in flight: all complete, every byte right.
 */
namespace
{
std::thread::id help_caller;
std::atomic<int> help_by_caller{0}, help_by_workers{0};

void *slow_worker_memcpy(void *d, const void *s, std::size_t n, unsigned flags)
{
	(void)flags;
	if (std::this_thread::get_id() == help_caller) {
		/* The caller's first chunk waits (bounded) for a worker to take one,
		 * so on a loaded machine the caller cannot copy every chunk before
		 * a worker is scheduled: both sides helping is then certain. */
		if (help_by_caller.fetch_add(1) == 0) {
			auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
			while (help_by_workers.load() == 0 &&
			       std::chrono::steady_clock::now() < until)
				std::this_thread::yield();
		}
	} else {
		help_by_workers.fetch_add(1);
		std::this_thread::sleep_for(std::chrono::milliseconds(2));
	}
	return std::memcpy(d, s, n);
}
} // namespace

TEST(threads_split, runtime_wait_helps_with_the_chunks)
{
	data_mover_threads *m = data_mover_threads_new(2, 16, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	data_mover_threads_set_memcpy_fn(m, slow_worker_memcpy);
	struct runtime *rt = runtime_new();
	help_caller = std::this_thread::get_id();
	std::size_t n = std::size_t(16) << 20;
	auto src = pattern(n, 5);
	std::vector<unsigned char> dst(n);

	auto f = vdm_memcpy(data_mover_threads_get_vdm(m), dst.data(), src.data(), n, 0);
	runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
	EXPECT_EQ(FUTURE_OUTPUT(&f)->output.memcpy.dest, dst.data());
	EXPECT_EQ(dst, src);
	EXPECT_GT(help_by_caller.load(), 0);
	EXPECT_GT(help_by_workers.load(), 0);

	help_by_caller = 0;
	std::fill(dst.begin(), dst.end(), 0);
	auto g = vdm_memcpy(data_mover_threads_get_vdm(m), dst.data(), src.data(), n, 0);
	FUTURE_BUSY_POLL(&g);
	EXPECT_EQ(dst, src);
	EXPECT_EQ(help_by_caller.load(), 0);

	/* Several at once: only the first is helped, all complete. */
	constexpr int k = 4;
	std::size_t part = n / k;
	std::fill(dst.begin(), dst.end(), 0);
	std::vector<vdm_operation_future> futs;
	std::vector<struct future *> ptrs;
	for (int i = 0; i < k; ++i)
		futs.push_back(vdm_memcpy(data_mover_threads_get_vdm(m), dst.data() + i * part,
		                          src.data() + i * part, part, 0));
	for (auto &x : futs)
		ptrs.push_back(FUTURE_AS_RUNNABLE(&x));
	runtime_wait_multiple(rt, ptrs.data(), ptrs.size());
	EXPECT_EQ(dst, src);

	runtime_delete(rt);
	data_mover_threads_delete(m);
}

/* Just under two chunks: never split (one call of the function). */
TEST(threads_split, small_operations_are_never_split)
{
	data_mover_threads *m = data_mover_threads_new(2, 16, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	data_mover_threads_set_memcpy_fn(m, my_memcpy);
	const auto &cfg = masync::detail::threads_mover_config(m);
	std::size_t n = cfg.chunk_size * 2 - 1;
	std::vector<char> a(n, 'a'), b(n);
	custom_calls = 0;
	auto f = vdm_memcpy(data_mover_threads_get_vdm(m), b.data(), a.data(), n, 0);
	run(&f);
	EXPECT_EQ(custom_calls.load(), 1);
	EXPECT_EQ(a, b);
	data_mover_threads_delete(m);
}

/* ---- durability: the write-backs and fences behind VDM_F_MEM_DURABLE ---- */

namespace
{
/* What one operation did, counted from creation to completion (on any thread). */
masync::test_hook::counts counted(vdm_operation_future f)
{
	masync::test_hook::start();
	FUTURE_BUSY_POLL(&f);
	return masync::test_hook::stop();
}

void *plain_memcpy(void *d, const void *s, std::size_t n, unsigned flags)
{
	(void)flags;
	return std::memcpy(d, s, n);
}
} // namespace

TEST(threads_durable, flags_decide_write_backs_and_fences)
{
	/* Inline and worker paths alike. */
	for (std::size_t inline_max : {std::size_t(0), ~std::size_t(0) >> 1}) {
		data_mover_threads *m = make_mover(2, 16, FUTURE_NOTIFIER_WAKER, 64, inline_max);
		ASSERT_NE(m, nullptr);
		struct vdm *vdm = data_mover_threads_get_vdm(m);
		alignas(64) static unsigned char src[8192], dst[8192];
		std::memset(src, 7, sizeof(src));

		/* No flag: no write-back, no fence. */
		auto c = counted(vdm_memcpy(vdm, dst, src, 4096, 0));
		EXPECT_EQ(c.flushes, 0u);
		EXPECT_EQ(c.fences, 0u);

		/* Durable: a fence before completion (non-temporal stores or write-backs). */
		for (std::size_t n : {std::size_t(64), std::size_t(100), std::size_t(4096)}) {
			c = counted(vdm_memcpy(vdm, dst, src, n, VDM_F_MEM_DURABLE));
			EXPECT_GE(c.fences, 1u) << n;
			c = counted(vdm_memset(vdm, dst, 1, n, VDM_F_MEM_DURABLE));
			EXPECT_GE(c.fences, 1u) << n;
			c = counted(vdm_memmove(vdm, dst + 1, dst, n, VDM_F_MEM_DURABLE));
			EXPECT_GE(c.fences, 1u) << n;
		}
		/* No cache hint alone: fenced too (non-temporal stores are weakly ordered). */
		c = counted(vdm_memcpy(vdm, dst, src, 4096, VDM_F_NO_CACHE_HINT));
		EXPECT_GE(c.fences, 1u);
		EXPECT_EQ(c.flushes, 0u);

		/* Flush: one write-back per line, then a fence. */
		c = counted(vdm_flush(vdm, dst, 4096, 0));
		EXPECT_EQ(c.flushes, 4096u / 64);
		EXPECT_GE(c.fences, 1u);

		/* A custom function with durable: every line written back afterwards. */
		data_mover_threads_set_memcpy_fn(m, plain_memcpy);
		c = counted(vdm_memcpy(vdm, dst, src, 4096, VDM_F_MEM_DURABLE));
		EXPECT_EQ(c.flushes, 4096u / 64);
		EXPECT_GE(c.fences, 1u);
		data_mover_threads_delete(m);
	}
}
