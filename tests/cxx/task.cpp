/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* masync/task.hpp and masync/event_loop.hpp: coroutines on an event loop. */
#include <masync/compose.hpp>
#include <masync/event_loop.hpp>
#include <masync/mover.hpp>
#include <masync/task.hpp>

#include <atomic>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cxx/helpers.hpp"

static_assert(!std::is_copy_constructible_v<masync::task<int>>);
static_assert(std::is_nothrow_move_constructible_v<masync::task<int>>);
static_assert(!std::is_move_constructible_v<masync::event_loop>);

static masync::task<int> answer()
{
	co_return 42;
}

TEST(CxxTask, SyncWaitValueAndVoid)
{
	EXPECT_EQ(masync::sync_wait(answer()), 42);
	bool ran = false;
	auto v = [&]() -> masync::task<> {
		ran = true;
		co_return;
	};
	masync::sync_wait(v());
	EXPECT_TRUE(ran);
}

TEST(CxxTask, LazyUntilAwaitedOrRun)
{
	bool started = false;
	auto t = [&]() -> masync::task<int> {
		started = true;
		co_return 1;
	}();
	EXPECT_FALSE(started);
	EXPECT_TRUE(t.valid());
	EXPECT_FALSE(t.done());
	EXPECT_THROW((void)t.result(), masync::error);
	EXPECT_EQ(masync::sync_wait(std::move(t)), 1);
	EXPECT_TRUE(started);
}

static masync::task<std::string> copy_string(masync::sync_mover &m, const char *s)
{
	char buf[32] = {};
	void *p = co_await m.memcpy(buf, s, std::strlen(s) + 1);
	co_return std::string(static_cast<char *>(p));
}

TEST(CxxTask, AwaitSyncMoverFuturesAndChildTasks)
{
	masync::sync_mover m;
	auto outer = [&]() -> masync::task<std::string> {
		std::string a = co_await copy_string(m, "hello");
		auto t = copy_string(m, "world");
		std::string b = co_await t; /* an lvalue task */
		co_return a + " " + b;
	};
	EXPECT_EQ(masync::sync_wait(outer()), "hello world");
}

TEST(CxxTask, AwaitThreadsMoverFuturesEveryNotifier)
{
	for (auto n : {masync::notifier::waker, masync::notifier::none, masync::notifier::poller}) {
		masync::threads_mover m(
		    masync::threads_mover_options{.threads = 2, .queue_size = 64, .notifier = n});
		auto t = [&]() -> masync::task<int> {
			std::vector<int> a(1024), b(1024);
			for (int i = 0; i < 1024; i++)
				a[i] = i;
			int good = 0;
			for (int r = 0; r < 50; r++) {
				std::span<int> out = co_await m.memcpy(std::span(b), a);
				good += out.size() == 1024 && b == a;
				co_await m.memset(std::span(b), 0);
				co_await m.flush(std::span<const int>(b));
			}
			co_return good;
		};
		EXPECT_EQ(masync::sync_wait(t()), 50);
	}
}

TEST(CxxTask, AwaitUserDefinedCFutures)
{
	auto t = []() -> masync::task<int> {
		countdown_future cf = make_countdown(4);
		countdown_output out = co_await cf;                 /* an lvalue C future */
		countdown_output out2 = co_await make_countdown(2); /* an rvalue */
		masync::future<countdown_future> typed(make_countdown(3));
		countdown_output out3 = co_await typed;
		co_return out.value + out2.value + out3.value;
	};
	EXPECT_EQ(masync::sync_wait(t()), 9);
}

TEST(CxxTask, AwaitCompositions)
{
	masync::threads_mover m(masync::threads_mover_options{.threads = 2});
	auto t = [&]() -> masync::task<bool> {
		char a[64] = "composed", b[64] = {}, c[64] = {};
		auto [pb, pc] = co_await masync::when_all(m.memcpy(b, a, 64), m.memcpy(c, a, 64));
		void *last = co_await masync::then(m.memset(a, 'q', 2),
		                                   [&](void *) { return m.memcpy(c, a, 2); });
		co_return pb == b &&pc == c &&last == c &&std::string(c) == "qqmposed";
	};
	EXPECT_TRUE(masync::sync_wait(t()));
}

TEST(CxxTask, ExceptionsPropagate)
{
	auto inner = []() -> masync::task<int> {
		throw std::runtime_error("inner");
		co_return 0;
	};
	auto outer = [&]() -> masync::task<int> {
		try {
			co_await inner();
		} catch (const std::runtime_error &e) {
			co_return 7;
		}
		co_return 0;
	};
	EXPECT_EQ(masync::sync_wait(outer()), 7);
	EXPECT_THROW(masync::sync_wait(inner()), std::runtime_error);

	/* a failing operation raises masync::error at the co_await */
	masync::sync_mover m;
	auto oom = [&]() -> masync::task<int> {
		char a[8] = {}, b[8] = {};
		std::vector<masync::vdm_future> held;
		for (int i = 0; i < (1 << 16); i++) {
			held.push_back(m.memcpy(b, a, 8));
			if (held.back().ready())
				break;
		}
		try {
			co_await held.back();
		} catch (const masync::error &e) {
			co_return e.c_code();
		}
		co_return 0;
	};
	EXPECT_EQ(masync::sync_wait(oom()), VDM_ERROR_OUT_OF_MEMORY);
}

static masync::task<> copy_many(masync::threads_mover &m, int id, std::atomic<int> &ok)
{
	std::vector<char> a(512, static_cast<char>(id)), b(512);
	for (int i = 0; i < 50; i++) {
		co_await m.memcpy(b.data(), a.data(), a.size());
		if (a == b)
			ok++;
		co_await m.memset(b.data(), 0, b.size());
	}
}

TEST(CxxEventLoop, ManyIndependentTasks)
{
	masync::threads_mover m(masync::threads_mover_options{.threads = 2, .queue_size = 32});
	masync::event_loop loop;
	std::atomic<int> ok{0};
	for (int i = 0; i < 100; i++)
		loop.spawn(copy_many(m, i, ok));
	EXPECT_EQ(loop.tasks(), 100u);
	loop.run();
	EXPECT_EQ(loop.tasks(), 0u);
	EXPECT_EQ(ok.load(), 100 * 50);
}

TEST(CxxEventLoop, TasksSpawnTasks)
{
	masync::event_loop loop;
	int count = 0;
	std::function<masync::task<>(int)> tree = [&](int depth) -> masync::task<> {
		count++;
		if (depth > 0) {
			loop.spawn(tree(depth - 1));
			loop.spawn(tree(depth - 1));
		}
		co_await make_countdown(2);
	};
	loop.spawn(tree(6));
	loop.run();
	EXPECT_EQ(count, 127);
}

TEST(CxxEventLoop, DetachedExceptionIsRethrownByRun)
{
	masync::event_loop loop;
	int finished = 0;
	auto good = [&]() -> masync::task<> {
		co_await make_countdown(3);
		finished++;
	};
	auto bad = []() -> masync::task<> {
		co_await make_countdown(2);
		throw std::logic_error("detached");
	};
	loop.spawn(good());
	loop.spawn(bad());
	loop.spawn(good());
	EXPECT_THROW(loop.run(), std::logic_error);
	EXPECT_EQ(finished, 2); /* the others still ran to the end */
	loop.run();             /* nothing left, nothing rethrown twice */
}

TEST(CxxEventLoop, SleepsUntilWokenAndIsWokenByAWaker)
{
	/*
	 * A waker-driven future signalled from another thread only once the
	 * loop has gone to sleep: the loop must be woken (else this hangs),
	 * and while asleep it does not poll (a bounded number of polls).
	 */
	for (int round = 0; round < 20; round++) {
		event ev;
		masync::event_loop loop;
		std::thread t([&] {
			while (!loop.sleeping())
				std::this_thread::yield();
			ev.signal();
		});
		auto wait_ev = [&]() -> masync::task<int> {
			event_output out = co_await make_event_future(ev);
			co_return out.polls;
		};
		int polls = masync::sync_wait(loop, wait_ev());
		t.join();
		/* park + spin passes + the last look before sleeping + after the wake(s) */
		EXPECT_LE(polls, 200) << "the loop kept polling while it should sleep";
	}
}

TEST(CxxEventLoop, AWakeBetweenTheLastPollAndTheSleepIsNotLost)
{
	/*
	 * The future wakes the loop from inside the loop's last poll before
	 * sleeping (the loop has announced it sleeps); it completes on the next
	 * poll. A lost wake-up would leave the loop asleep forever.
	 */
	struct racing {
		masync::event_loop *loop;
		event ev;
	} r;
	masync::event_loop loop;
	r.loop = &loop;
	FUTURE(
	    race_future, struct { racing *r; }, struct { int unused; });
	auto task_fn = [](struct future_context *ctx, struct future_notifier *n) {
		auto *d = static_cast<racing **>(future_context_get_data(ctx));
		racing *rr = *d;
		if (rr->ev.done.load())
			return FUTURE_STATE_COMPLETE;
		if (n)
			n->notifier_used = FUTURE_NOTIFIER_WAKER;
		if (rr->loop->sleeping()) {
			rr->ev.done.store(1);
			n->waker.wake(n->waker.data); /* before the loop's futex wait */
		}
		return FUTURE_STATE_RUNNING;
	};
	race_future f;
	f.data.r = &r;
	FUTURE_INIT(&f, +task_fn);
	auto t = [&]() -> masync::task<> { co_await f; };
	masync::sync_wait(loop, t());
	EXPECT_EQ(r.ev.done.load(), 1);
}

TEST(CxxEventLoop, NoneAndPollerFuturesCompleteWithBackoff)
{
	auto t = []() -> masync::task<int> {
		countdown_output out = co_await make_countdown(300);
		co_return out.value;
	};
	EXPECT_EQ(masync::sync_wait(t()), 300);

	event pe;
	pe.use_poller = true;
	std::thread signaller([&] {
		while (pe.polls.load() < 100)
			std::this_thread::yield();
		pe.signal();
	});
	auto p = [&]() -> masync::task<> { co_await make_event_future(pe); };
	masync::sync_wait(p());
	signaller.join();
	EXPECT_EQ(pe.done.load(), 1);
}

struct never_awaitable {
	std::coroutine_handle<> *out;
	bool await_ready() const noexcept { return false; }
	void await_suspend(std::coroutine_handle<> h) const noexcept { *out = h; }
	void await_resume() const noexcept {}
};

TEST(CxxEventLoop, StuckLoopIsReported)
{
	std::coroutine_handle<> parked;
	auto t = [&]() -> masync::task<> { co_await never_awaitable{&parked}; };
	try {
		masync::sync_wait(t());
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.code(), masync::errc::stuck_loop);
	}
}

TEST(CxxEventLoop, DestroyingTheLoopDestroysUnfinishedTasks)
{
	event ev;
	int destroyed = 0;
	struct guard {
		int *n;
		~guard() { ++*n; }
	};
	{
		masync::event_loop loop;
		auto t = [&]() -> masync::task<> {
			guard g{&destroyed};
			co_await make_event_future(ev); /* never signalled while the loop runs */
		};
		loop.spawn(t());
		loop.spawn(t());
		/* run until both have parked on their futures */
		loop.run_until([&] { return ev.polls.load() >= 2; });
		EXPECT_EQ(loop.tasks(), 2u);
		ev.done = 1; /* so that the futures' destructors can finish them */
	}
	EXPECT_EQ(destroyed, 2);
}

TEST(CxxEventLoop, DestroyingAnUnfinishedChildTask)
{
	masync::sync_mover m;
	auto child = [&]() -> masync::task<int> {
		co_await make_countdown(2);
		co_return 1;
	};
	auto parent = [&]() -> masync::task<int> {
		auto c = child(); /* never awaited: destroyed unstarted */
		co_return 5;
	};
	EXPECT_EQ(masync::sync_wait(parent()), 5);
	masync::task<int> empty;
	EXPECT_FALSE(empty.valid());
	EXPECT_THROW(masync::sync_wait(std::move(empty)), masync::error);
}

TEST(CxxEventLoop, LoopsOnSeveralThreads)
{
	masync::threads_mover m(masync::threads_mover_options{.threads = 2});
	std::atomic<int> ok{0};
	std::vector<std::thread> ts;
	for (int t = 0; t < 3; t++)
		ts.emplace_back([&, t] {
			masync::event_loop loop;
			for (int i = 0; i < 20; i++)
				loop.spawn(copy_many(m, t * 100 + i, ok));
			loop.run();
		});
	for (auto &t : ts)
		t.join();
	EXPECT_EQ(ok.load(), 3 * 20 * 50);
}
