/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The runtime's sleep/wake protocol. Regression for miniasync, which could
 * miss a wake that arrived between its last poll and its sleep and then
 * stalled. The race window is forced open with the before-sleep test hook:
 * no timing is involved. A lost wake would show as a sleep that ended by
 * time-out (runtime_stats.sleep_rechecks after the first 1 ms bound,
 * sleep_timeouts after the 50 ms safety net) instead of by the wake.
 */

#include "libminiasync.h"
#include "miniasync/runtime_test_hooks.hpp"
#include "test_futures.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace
{

using masync::detail::runtime_reset_thread_stats;
using masync::detail::runtime_set_before_sleep_hook;
using masync::detail::runtime_thread_stats;

class runtime_wake : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		rt = runtime_new();
		ASSERT_NE(rt, nullptr);
		runtime_reset_thread_stats();
	}
	void TearDown() override
	{
		runtime_set_before_sleep_hook(nullptr, nullptr);
		runtime_delete(rt);
	}
	runtime *rt = nullptr;
};

/* Completes the future and calls its waker, the first time the hook runs. */
struct fire_once {
	test::flag_state *state;
	int fired = 0;
	static void hook(void *arg)
	{
		auto *self = static_cast<fire_once *>(arg);
		if (self->fired++ == 0)
			self->state->complete(FUTURE_NOTIFIER_WAKER);
	}
};

} // namespace

/* The wake lands after the runtime decided to sleep, right before the futex call. */
TEST_F(runtime_wake, wake_right_before_sleep_is_not_lost)
{
	test::flag_state s;
	fire_once f1{&s};
	runtime_set_before_sleep_hook(fire_once::hook, &f1);
	auto fut = test::make_flag(&s, FUTURE_NOTIFIER_WAKER);
	runtime_wait(rt, FUTURE_AS_RUNNABLE(&fut));

	EXPECT_EQ(f1.fired, 1) << "the runtime never reached its sleep";
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->done, 1);
	auto st = runtime_thread_stats();
	EXPECT_EQ(st.sleeps, 1u);
	EXPECT_EQ(st.sleep_timeouts, 0u) << "slept through a wake";
	EXPECT_EQ(st.sleep_rechecks, 0u) << "slept through a wake";
	EXPECT_EQ(s.polls.load(), 2) << "one poll to start, one after the wake";
}

/* The same, with the waker called from another thread while the hook holds the runtime. */
TEST_F(runtime_wake, wake_from_other_thread_in_race_window)
{
	struct cross {
		test::flag_state s;
		std::atomic<int> fired{0};
		static void hook(void *arg)
		{
			auto *self = static_cast<cross *>(arg);
			if (self->fired.fetch_add(1) != 0)
				return;
			std::thread t([self] { self->s.complete(FUTURE_NOTIFIER_WAKER); });
			t.join(); /* the wake has fully happened before we go on to sleep */
		}
	} c;
	runtime_set_before_sleep_hook(cross::hook, &c);
	for (int i = 0; i < 20; ++i) {
		c.s.flag.store(0);
		c.fired.store(0);
		auto fut = test::make_flag(&c.s, FUTURE_NOTIFIER_WAKER);
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&fut));
		ASSERT_EQ(FUTURE_OUTPUT(&fut)->done, 1);
		ASSERT_EQ(c.fired.load(), 1);
	}
	EXPECT_EQ(runtime_thread_stats().sleep_timeouts, 0u);
	EXPECT_EQ(runtime_thread_stats().sleep_rechecks, 0u);
}

/* A wake during the pass itself (the future wakes its caller from its own poll). */
TEST_F(runtime_wake, wake_during_poll_is_not_lost)
{
	test::flag_state s;
	s.wake_calls_in_poll.store(3); /* three polls wake; the third also completes */
	int hook_runs = 0;
	runtime_set_before_sleep_hook([](void *arg) { ++*static_cast<int *>(arg); }, &hook_runs);
	auto fut = test::make_flag(&s, FUTURE_NOTIFIER_WAKER);
	runtime_wait(rt, FUTURE_AS_RUNNABLE(&fut));
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->done, 1);
	EXPECT_EQ(s.polls.load(), 4);
	EXPECT_EQ(hook_runs, 0) << "the runtime tried to sleep although it had been woken";
	EXPECT_EQ(runtime_thread_stats().sleep_timeouts, 0u);
	EXPECT_EQ(runtime_thread_stats().sleep_rechecks, 0u);
}

/*
 * A future that completes without calling its waker (as one whose completer
 * is preempted between its completion and the call): the bounded sleep's
 * re-check finds it, long before the 50 ms safety net would.
 */
TEST_F(runtime_wake, completion_without_wake_is_found_by_the_recheck)
{
	struct silent {
		test::flag_state s;
		int fired = 0;
		static void hook(void *arg)
		{
			auto *self = static_cast<silent *>(arg);
			if (self->fired++ == 0)
				self->s.complete(FUTURE_NOTIFIER_NONE); /* no waker call */
		}
	} c;
	runtime_set_before_sleep_hook(silent::hook, &c);
	auto fut = test::make_flag(&c.s, FUTURE_NOTIFIER_WAKER);
	runtime_wait(rt, FUTURE_AS_RUNNABLE(&fut));
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->done, 1);
	auto st = runtime_thread_stats();
	EXPECT_EQ(st.sleeps, 1u);
	EXPECT_EQ(st.sleep_rechecks, 1u) << "not found by the first bounded sleep";
	EXPECT_EQ(st.sleep_timeouts, 0u);
	EXPECT_EQ(c.s.polls.load(), 2) << "one poll to start, one after the re-check";
}

/*
 * Among several futures: the first sleep is interrupted by a wake for one of
 * them while the other still waits, the second by a wake for the other.
 * Every wake happens before the sleep it must prevent, so none may time out.
 */
TEST_F(runtime_wake, wakes_for_each_of_several_in_race_window)
{
	struct two {
		test::flag_state a, b;
		int fired = 0;
		static void hook(void *arg)
		{
			auto *self = static_cast<two *>(arg);
			int n = self->fired++;
			if (n == 0)
				self->a.complete(FUTURE_NOTIFIER_WAKER);
			else if (n == 1)
				self->b.complete(FUTURE_NOTIFIER_WAKER);
		}
	} t;
	runtime_set_before_sleep_hook(two::hook, &t);
	auto fa = test::make_flag(&t.a, FUTURE_NOTIFIER_WAKER);
	auto fb = test::make_flag(&t.b, FUTURE_NOTIFIER_WAKER);
	struct future *futs[2] = {FUTURE_AS_RUNNABLE(&fa), FUTURE_AS_RUNNABLE(&fb)};
	runtime_wait_multiple(rt, futs, 2);
	EXPECT_EQ(t.fired, 2);
	EXPECT_EQ(FUTURE_OUTPUT(&fa)->done, 1);
	EXPECT_EQ(FUTURE_OUTPUT(&fb)->done, 1);
	auto st = runtime_thread_stats();
	EXPECT_EQ(st.sleeps, 2u);
	EXPECT_EQ(st.sleep_timeouts, 0u) << "slept through a wake";
	EXPECT_EQ(st.sleep_rechecks, 0u) << "slept through a wake";
}

/*
 * Wakers may be called after the wait returned, after the runtime was
 * deleted and after the waiting thread exited: they must stay harmless
 * (ASan would catch a use after free).
 */
TEST_F(runtime_wake, stale_wakers_are_harmless)
{
	std::vector<std::pair<future_waker_wake_fn, void *>> stale;
	for (int i = 0; i < 4; ++i) {
		std::thread waiter([&] {
			runtime *own = runtime_new();
			ASSERT_NE(own, nullptr);
			test::flag_state s;
			auto fut = test::make_flag(&s, FUTURE_NOTIFIER_WAKER);
			std::thread completer([&] {
				while (s.wake.load() == nullptr)
					std::this_thread::yield();
				s.complete(FUTURE_NOTIFIER_WAKER);
			});
			runtime_wait(own, FUTURE_AS_RUNNABLE(&fut));
			completer.join();
			stale.emplace_back(s.wake.load(), s.wake_data.load());
			runtime_delete(own);
		});
		waiter.join();
	}
	for (auto &[fn, data] : stale) {
		ASSERT_NE(fn, nullptr);
		for (int k = 0; k < 3; ++k)
			fn(data);
	}
	/* A new thread may inherit a recycled waiter with stale wakes on it: still fine. */
	std::thread later([&] {
		test::flag_state s;
		auto fut = test::make_flag(&s, FUTURE_NOTIFIER_WAKER);
		std::thread completer([&] {
			while (s.wake.load() == nullptr)
				std::this_thread::yield();
			for (auto &[fn, data] : stale)
				fn(data);
			s.complete(FUTURE_NOTIFIER_WAKER);
		});
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&fut));
		completer.join();
		EXPECT_EQ(FUTURE_OUTPUT(&fut)->done, 1);
	});
	later.join();
}

/*
 * A future that reports WAKER on its first poll only, as a vdm future does
 * (op_start gets the notifier, op_check does not), keeps counting as WAKER:
 * the runtime sleeps until woken instead of falling into back-off polling.
 * The first sleep is ended by a wake from another thread that does not
 * complete the future (a re-poll that reports no notifier), the second by
 * one that does. Regression: the re-poll turned the future into NONE.
 */
namespace
{

struct first_poll_state {
	std::atomic<int> flag{0};
	std::atomic<int> polls{0};
	std::atomic<future_waker_wake_fn> wake{nullptr};
	std::atomic<void *> wake_data{nullptr};
	int fired = 0;
	void call_waker()
	{
		wake.load(std::memory_order_acquire)(wake_data.load(std::memory_order_acquire));
	}
	static void hook(void *arg)
	{
		auto *self = static_cast<first_poll_state *>(arg);
		int n = self->fired++;
		std::thread t([self, n] {
			if (n == 1)
				self->flag.store(1, std::memory_order_release);
			self->call_waker();
		});
		t.join();
	}
};
struct first_poll_data {
	first_poll_state *state;
};
struct first_poll_output {
	int done;
};
FUTURE(first_poll_future, struct first_poll_data, struct first_poll_output);

enum future_state first_poll_task(struct future_context *ctx, struct future_notifier *n)
{
	first_poll_state *s = static_cast<first_poll_data *>(future_context_get_data(ctx))->state;
	int poll = s->polls.fetch_add(1) + 1;
	if (s->flag.load(std::memory_order_acquire)) {
		static_cast<first_poll_output *>(future_context_get_output(ctx))->done = 1;
		return FUTURE_STATE_COMPLETE;
	}
	if (poll == 1 && n != nullptr) {
		n->notifier_used = FUTURE_NOTIFIER_WAKER;
		s->wake_data.store(n->waker.data, std::memory_order_relaxed);
		s->wake.store(n->waker.wake, std::memory_order_release);
	}
	return FUTURE_STATE_RUNNING;
}

} // namespace

TEST_F(runtime_wake, waker_reported_on_first_poll_only_still_sleeps)
{
	first_poll_state s;
	runtime_set_before_sleep_hook(first_poll_state::hook, &s);
	first_poll_future fut;
	fut.data.state = &s;
	fut.output.done = 0;
	FUTURE_INIT(&fut, first_poll_task);
	/* Only so that a regression fails instead of polling forever. */
	std::thread rescue([&] {
		while (s.flag.load() == 0 && s.polls.load() < 1000)
			std::this_thread::yield();
		s.flag.store(1);
	});
	runtime_wait(rt, FUTURE_AS_RUNNABLE(&fut));
	rescue.join();

	EXPECT_EQ(FUTURE_OUTPUT(&fut)->done, 1);
	EXPECT_EQ(s.fired, 2) << "the runtime did not sleep after the re-poll";
	EXPECT_EQ(s.polls.load(), 3);
	auto st = runtime_thread_stats();
	EXPECT_EQ(st.sleeps, 2u);
	EXPECT_EQ(st.backoff_waits, 0u) << "treated as a future without notifier";
}

/* A future that never reports a notifier is still polled with back-off, never slept on. */
TEST_F(runtime_wake, none_future_gets_backoff_not_sleep)
{
	int hook_runs = 0;
	runtime_set_before_sleep_hook([](void *arg) { ++*static_cast<int *>(arg); }, &hook_runs);
	auto f = test::make_count(0, 40);
	runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
	EXPECT_EQ(f.data.polls, 40);
	auto st = runtime_thread_stats();
	EXPECT_EQ(st.backoff_waits, 39u);
	EXPECT_EQ(st.sleeps, 0u);
	EXPECT_EQ(hook_runs, 0);
}

/* Many concurrent wakes while the runtime sleeps and polls. */
TEST_F(runtime_wake, concurrent_wakes)
{
	test::flag_state s;
	auto fut = test::make_flag(&s, FUTURE_NOTIFIER_WAKER);
	std::atomic<int> stop{0};
	std::vector<std::thread> wakers;
	for (int i = 0; i < 3; ++i)
		wakers.emplace_back([&] {
			while (s.wake.load() == nullptr)
				std::this_thread::yield();
			for (int k = 0; k < 2000 && !stop.load(); ++k)
				s.call_waker();
		});
	std::thread completer([&] {
		while (s.polls.load() < 20 && !stop.load())
			std::this_thread::yield();
		s.complete(FUTURE_NOTIFIER_WAKER);
	});
	runtime_wait(rt, FUTURE_AS_RUNNABLE(&fut));
	stop.store(1);
	completer.join();
	for (auto &t : wakers)
		t.join();
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->done, 1);
}
