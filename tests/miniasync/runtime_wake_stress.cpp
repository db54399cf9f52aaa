/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Stress of the runtime's sleep/wake protocol with no safety net: the wait's
 * safety time-out is switched off (runtime_set_thread_waker_timeout(-1)), so
 * a single lost wake-up hangs the test until ctest's time-out kills it,
 * instead of being hidden by a bounded sleep. Completions come from other
 * threads at random points relative to the runtime's spin and sleep: at
 * once, after a few pauses, after a yield or a short sleep (around and after
 * the end of the learnt spin budget), with extra spurious wakes from a
 * second thread. Nothing here measures time; the checks are that every wait
 * returns with its future complete. Run under TSan as well.
 */

#include "libminiasync.h"
#include "miniasync/runtime_test_hooks.hpp"
#include "test_futures.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

namespace
{

using masync::detail::runtime_reset_thread_stats;
using masync::detail::runtime_set_thread_waker_timeout;
using masync::detail::runtime_thread_stats;

/* Rounds per test; fewer under sanitizers, which slow every step down. */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int rounds = 1500;
#else
constexpr int rounds = 6000;
#endif

/* Waits a random while of one of several kinds: none, pauses, a yield, a short sleep. */
void random_delay(std::minstd_rand &rng)
{
	switch (rng() % 5) {
	case 0:
		break;
	case 1:
		for (unsigned i = 0, n = rng() % 2000; i < n; ++i)
			__builtin_ia32_pause();
		break;
	case 2:
		std::this_thread::yield();
		break;
	default:
		std::this_thread::sleep_for(std::chrono::microseconds(rng() % 80));
		break;
	}
}

/* One round's future. */
struct round_slot {
	test::flag_state state;
};

class runtime_wake_stress : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		rt = runtime_new();
		ASSERT_NE(rt, nullptr);
		runtime_reset_thread_stats();
		runtime_set_thread_waker_timeout(-1);
	}
	void TearDown() override
	{
		runtime_set_thread_waker_timeout(0);
		runtime_delete(rt);
	}
	runtime *rt = nullptr;
};

} // namespace

/* A completer thread finishes each future at a random point of the wait. */
TEST_F(runtime_wake_stress, completer_at_random_points_never_loses_a_wake)
{
	std::vector<round_slot> slots(rounds);
	std::atomic<int> armed{-1};
	std::thread completer([&] {
		std::minstd_rand rng(1);
		for (int r = 0; r < rounds; ++r) {
			while (armed.load(std::memory_order_acquire) < r)
				std::this_thread::yield();
			while (slots[r].state.wake.load(std::memory_order_acquire) == nullptr)
				std::this_thread::yield();
			/*
			 * Every 64th round completes after the longest spin (300
			 * us), so the sleep path is taken whatever the learnt
			 * budget; the random delays alone may all be spun out.
			 */
			if (r % 64 == 63)
				std::this_thread::sleep_for(std::chrono::microseconds(500));
			else
				random_delay(rng);
			slots[r].state.complete(FUTURE_NOTIFIER_WAKER);
		}
	});
	for (int r = 0; r < rounds; ++r) {
		auto fut = test::make_flag(&slots[r].state, FUTURE_NOTIFIER_WAKER);
		armed.store(r, std::memory_order_release);
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&fut));
		ASSERT_EQ(FUTURE_OUTPUT(&fut)->done, 1) << "round " << r;
	}
	completer.join();
	auto st = runtime_thread_stats();
	EXPECT_EQ(st.sleep_timeouts, 0u);
	/* Some rounds must have gone to sleep, or the sleep path was not exercised. */
	EXPECT_GT(st.sleeps, 0u);
}

/*
 * Several futures per wait, each completed by its own thread at a random
 * point, while a third thread calls the waiters' waker spuriously: each wake
 * must still end exactly the sleep it has to end.
 */
TEST_F(runtime_wake_stress, several_completers_and_spurious_wakes)
{
	constexpr int nfut = 3;
	const int n = rounds / 3;
	std::vector<round_slot> slots(static_cast<std::size_t>(n) * nfut);
	std::atomic<int> armed{-1};
	std::atomic<bool> stop{false};
	std::vector<std::thread> threads;
	for (int k = 0; k < nfut; ++k)
		threads.emplace_back([&, k] {
			std::minstd_rand rng(10 + static_cast<unsigned>(k));
			for (int r = 0; r < n; ++r) {
				while (armed.load(std::memory_order_acquire) < r)
					std::this_thread::yield();
				round_slot &s = slots[static_cast<std::size_t>(r) * nfut + k];
				while (s.state.wake.load(std::memory_order_acquire) == nullptr)
					std::this_thread::yield();
				random_delay(rng);
				s.state.complete(FUTURE_NOTIFIER_WAKER);
			}
		});
	threads.emplace_back([&] {
		std::minstd_rand rng(99);
		while (!stop.load(std::memory_order_relaxed)) {
			int r = armed.load(std::memory_order_acquire);
			if (r >= 0)
				slots[static_cast<std::size_t>(r) * nfut].state.call_waker();
			random_delay(rng);
		}
	});
	for (int r = 0; r < n; ++r) {
		test::flag_future f[nfut];
		struct future *futs[nfut];
		for (int k = 0; k < nfut; ++k) {
			f[k] = test::make_flag(&slots[static_cast<std::size_t>(r) * nfut + k].state,
			                       FUTURE_NOTIFIER_WAKER);
			futs[k] = FUTURE_AS_RUNNABLE(&f[k]);
		}
		armed.store(r, std::memory_order_release);
		runtime_wait_multiple(rt, futs, nfut);
		for (int k = 0; k < nfut; ++k)
			ASSERT_EQ(FUTURE_OUTPUT(&f[k])->done, 1)
			    << "round " << r << " future " << k;
	}
	stop.store(true);
	for (auto &t : threads)
		t.join();
	EXPECT_EQ(runtime_thread_stats().sleep_timeouts, 0u);
}
