/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The runtime: polling order, futures complete on entry, futures without a
 * property function, NONE / WAKER / POLLER futures, several threads on one
 * runtime. (Wake-up races: runtime_wake.cpp.)
 */

#include "libminiasync.h"
#include "miniasync/runtime_test_hooks.hpp"
#include "test_futures.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

namespace
{

struct runtime_deleter {
	void operator()(runtime *r) const { runtime_delete(r); }
};
using runtime_ptr = std::unique_ptr<runtime, runtime_deleter>;

runtime_ptr make_runtime()
{
	runtime *r = runtime_new();
	EXPECT_NE(r, nullptr);
	return runtime_ptr(r);
}

} // namespace

TEST(runtime, new_delete_and_trivial_calls)
{
	auto r = make_runtime();
	runtime_delete(nullptr);
	runtime_wait_multiple(r.get(), nullptr, 0);
	struct future *none[1] = {nullptr};
	runtime_wait_multiple(r.get(), none, 1); /* NULL entries count as done */
	runtime_wait(r.get(), nullptr);
	SUCCEED();
}

TEST(runtime, wait_single_future)
{
	auto r = make_runtime();
	auto f = test::make_count(0, 5);
	runtime_wait(r.get(), FUTURE_AS_RUNNABLE(&f));
	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(f.data.polls, 5);
	EXPECT_EQ(FUTURE_OUTPUT(&f)->done, 1);
}

/*
 * Each pass polls every unfinished future once: ASYNC ones first, each
 * group in the caller's order; finished futures are not polled again; the
 * caller's array is left as it was (miniasync sorted it in place).
 */
TEST(runtime, pass_order_async_first_stable_and_array_untouched)
{
	auto r = make_runtime();
	test::poll_log log;
	/* id, polls needed, async */
	test::count_future f[6] = {
	    test::make_count(0, 2, false, &log), test::make_count(1, 3, true, &log),
	    test::make_count(2, 1, false, &log), test::make_count(3, 2, true, &log),
	    test::make_count(4, 3, false, &log), test::make_count(5, 1, true, &log),
	};
	struct future *futs[6];
	for (int i = 0; i < 6; ++i)
		futs[i] = FUTURE_AS_RUNNABLE(&f[i]);
	struct future *before[6];
	std::copy(futs, futs + 6, before);

	runtime_wait_multiple(r.get(), futs, 6);

	std::vector<int> expect = {
	    1, 3, 5, 0, 2, 4, /* pass 1: async 1,3,5 then 0,2,4; 2 and 5 finish */
	    1, 3, 0, 4,       /* pass 2: 3 and 0 finish */
	    1, 4,             /* pass 3: both finish */
	};
	EXPECT_EQ(log.ids, expect);
	for (int i = 0; i < 6; ++i) {
		EXPECT_EQ(futs[i], before[i]) << "array entry " << i << " moved";
		EXPECT_EQ(FUTURE_STATE(&f[i]), FUTURE_STATE_COMPLETE);
	}
}

/* Regression: miniasync never counted futures complete on entry and hung. */
TEST(runtime, futures_complete_on_entry_are_counted)
{
	auto r = make_runtime();
	test::count_future done[3];
	for (auto &d : done) {
		FUTURE_INIT_COMPLETE(&d);
		d.output.done = 7;
	}
	struct future *futs[3] = {FUTURE_AS_RUNNABLE(&done[0]), FUTURE_AS_RUNNABLE(&done[1]),
	                          FUTURE_AS_RUNNABLE(&done[2])};
	runtime_wait_multiple(r.get(), futs, 3);
	runtime_wait(r.get(), futs[1]);

	/* Mixed with one that needs work. */
	test::poll_log log;
	auto work = test::make_count(9, 3, false, &log);
	struct future *mixed[4] = {futs[0], FUTURE_AS_RUNNABLE(&work), futs[1], futs[2]};
	runtime_wait_multiple(r.get(), mixed, 4);
	EXPECT_EQ(log.ids, (std::vector<int>{9, 9, 9}));
	EXPECT_EQ(done[0].output.done, 7) << "a complete future is never run";
}

/*
 * Regression: miniasync called has_property unconditionally and crashed on
 * two FUTURE_INIT_COMPLETE futures (whose property function is NULL).
 */
TEST(runtime, futures_without_property_function)
{
	auto r = make_runtime();
	test::count_future a, b;
	FUTURE_INIT_COMPLETE(&a);
	FUTURE_INIT_COMPLETE(&b);
	ASSERT_EQ(a.base.has_property, nullptr);
	struct future *futs[2] = {FUTURE_AS_RUNNABLE(&a), FUTURE_AS_RUNNABLE(&b)};
	runtime_wait_multiple(r.get(), futs, 2);

	/* Unfinished futures with no property function, among others. */
	test::poll_log log;
	auto c = test::make_count(1, 2, false, &log);
	c.base.has_property = nullptr;
	auto d = test::make_count(2, 2, true, &log);
	auto e = test::make_count(3, 2, false, &log);
	FUTURE_INIT_EXT(&e, test::count_task, NULL);
	struct future *more[4] = {FUTURE_AS_RUNNABLE(&c), FUTURE_AS_RUNNABLE(&a),
	                          FUTURE_AS_RUNNABLE(&d), FUTURE_AS_RUNNABLE(&e)};
	runtime_wait_multiple(r.get(), more, 4);
	EXPECT_EQ(log.ids, (std::vector<int>{2, 1, 3, 2, 1, 3}));
}

/* Futures that notify nobody are polled again (back-off) until they finish. */
TEST(runtime, none_notifier_futures_complete)
{
	auto r = make_runtime();
	auto many = test::make_count(0, 40); /* runs through spin, yield and sleep steps */
	runtime_wait(r.get(), FUTURE_AS_RUNNABLE(&many));
	EXPECT_EQ(many.data.polls, 40);

	/* Completed by another thread; the future cannot tell anyone. */
	test::flag_state s;
	auto f = test::make_flag(&s, FUTURE_NOTIFIER_NONE);
	std::thread t([&] {
		while (s.polls.load() < 50)
			std::this_thread::yield();
		s.complete(FUTURE_NOTIFIER_NONE);
	});
	runtime_wait(r.get(), FUTURE_AS_RUNNABLE(&f));
	t.join();
	EXPECT_EQ(FUTURE_OUTPUT(&f)->done, 1);
	EXPECT_GE(s.polls.load(), 51);
}

TEST(runtime, waker_futures_complete)
{
	auto r = make_runtime();
	for (int round = 0; round < 200; ++round) {
		test::flag_state s;
		auto f = test::make_flag(&s, FUTURE_NOTIFIER_WAKER);
		std::thread t([&] {
			while (s.wake.load() == nullptr)
				std::this_thread::yield();
			if (round % 2)
				std::this_thread::yield(); /* vary where the wake lands */
			s.complete(FUTURE_NOTIFIER_WAKER);
		});
		runtime_wait(r.get(), FUTURE_AS_RUNNABLE(&f));
		t.join();
		ASSERT_EQ(FUTURE_OUTPUT(&f)->done, 1);
	}
}

TEST(runtime, poller_futures_complete)
{
	auto r = make_runtime();
	for (int round = 0; round < 100; ++round) {
		test::flag_state s;
		auto f = test::make_flag(&s, FUTURE_NOTIFIER_POLLER);
		std::thread t([&] {
			while (s.polls.load() == 0)
				std::this_thread::yield();
			s.complete(FUTURE_NOTIFIER_POLLER);
		});
		runtime_wait(r.get(), FUTURE_AS_RUNNABLE(&f));
		t.join();
		ASSERT_EQ(FUTURE_OUTPUT(&f)->done, 1);
	}
	/* A word that is already set when the future is first polled. */
	test::flag_state s;
	s.word.store(1);
	auto f = test::make_flag(&s, FUTURE_NOTIFIER_POLLER);
	std::thread t([&] {
		while (s.polls.load() < 3)
			std::this_thread::yield();
		s.flag.store(1);
	});
	runtime_wait(r.get(), FUTURE_AS_RUNNABLE(&f));
	t.join();
	EXPECT_EQ(FUTURE_OUTPUT(&f)->done, 1);
}

/* More POLLER futures than the runtime watches words for still complete. */
TEST(runtime, many_mixed_notifiers)
{
	auto r = make_runtime();
	constexpr int n = 30;
	std::vector<test::flag_state> states(n);
	std::vector<test::flag_future> futs;
	const enum future_notifier_type kinds[3] = {FUTURE_NOTIFIER_POLLER, FUTURE_NOTIFIER_WAKER,
	                                            FUTURE_NOTIFIER_NONE};
	for (int i = 0; i < n; ++i)
		futs.push_back(test::make_flag(&states[i], kinds[i % 3], i % 2));
	std::vector<struct future *> ptrs;
	for (auto &f : futs)
		ptrs.push_back(FUTURE_AS_RUNNABLE(&f));
	std::thread t([&] {
		for (int i = n; i-- > 0;) {
			while (states[i].polls.load() == 0)
				std::this_thread::yield();
			states[i].complete(kinds[i % 3]);
		}
	});
	runtime_wait_multiple(r.get(), ptrs.data(), ptrs.size());
	t.join();
	for (auto &f : futs)
		EXPECT_EQ(FUTURE_OUTPUT(&f)->done, 1);
}

/* Data mover futures through the runtime (and a NULL runtime uses defaults). */
TEST(runtime, sync_mover_futures)
{
	auto r = make_runtime();
	data_mover_sync *dms = data_mover_sync_new();
	ASSERT_NE(dms, nullptr);
	struct vdm *vdm = data_mover_sync_get_vdm(dms);
	constexpr int n = 64;
	std::vector<int> src(n), dst(n, -1);
	std::vector<vdm_operation_future> futs;
	for (int i = 0; i < n; ++i) {
		src[i] = i * 3;
		futs.push_back(vdm_memcpy(vdm, &dst[i], &src[i], sizeof(int), 0));
	}
	std::vector<struct future *> ptrs;
	for (auto &f : futs)
		ptrs.push_back(FUTURE_AS_RUNNABLE(&f));
	runtime_wait_multiple(r.get(), ptrs.data(), ptrs.size());
	EXPECT_EQ(dst, src);

	auto one = vdm_memset(vdm, dst.data(), 0, n * sizeof(int), 0);
	runtime_wait(nullptr, FUTURE_AS_RUNNABLE(&one));
	EXPECT_EQ(dst, std::vector<int>(n, 0));
	data_mover_sync_delete(dms);
}

/* Several threads wait on one runtime at once, each on its own futures. */
TEST(runtime, several_threads_wait_on_one_runtime)
{
	auto r = make_runtime();
	constexpr int nwaiters = 4;
	constexpr int rounds = 100;
	std::vector<std::thread> threads;
	std::atomic<int> failures{0};
	for (int w = 0; w < nwaiters; ++w) {
		threads.emplace_back([&, w] {
			for (int i = 0; i < rounds; ++i) {
				test::flag_state s1, s2;
				auto f1 = test::make_flag(&s1, FUTURE_NOTIFIER_WAKER);
				auto f2 = test::make_flag(&s2, (w + i) % 2 ? FUTURE_NOTIFIER_POLLER
				                                           : FUTURE_NOTIFIER_NONE);
				std::thread helper([&] {
					while (s1.wake.load() == nullptr || s2.polls.load() == 0)
						std::this_thread::yield();
					s2.complete(f2.data.use);
					s1.complete(FUTURE_NOTIFIER_WAKER);
				});
				struct future *futs[2] = {FUTURE_AS_RUNNABLE(&f1),
				                          FUTURE_AS_RUNNABLE(&f2)};
				runtime_wait_multiple(r.get(), futs, 2);
				helper.join();
				if (!FUTURE_OUTPUT(&f1)->done || !FUTURE_OUTPUT(&f2)->done)
					failures++;
			}
		});
	}
	for (auto &t : threads)
		t.join();
	EXPECT_EQ(failures.load(), 0);
}
