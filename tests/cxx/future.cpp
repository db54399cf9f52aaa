/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* masync/future.hpp: typed move-only owners of C futures. */
#include <masync/future.hpp>

#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

#include "cxx/helpers.hpp"

using countdown = masync::future<countdown_future>;

static_assert(!std::is_copy_constructible_v<countdown>);
static_assert(!std::is_copy_assignable_v<countdown>);
static_assert(std::is_nothrow_move_constructible_v<countdown>);
static_assert(std::is_nothrow_move_assignable_v<countdown>);
static_assert(masync::c_future<countdown_future>);
static_assert(masync::c_future<event_future>);
static_assert(!masync::c_future<int>);
static_assert(masync::masync_future<countdown>);
static_assert(masync::pollable<countdown_future>);
static_assert(masync::pollable<countdown &>);
static_assert(!masync::pollable<int>);
/* no hidden storage beyond the C future and the empty flag */
static_assert(sizeof(countdown) <= sizeof(countdown_future) + alignof(countdown_future));

TEST(CxxFuture, PollReadyResult)
{
	countdown f(make_countdown(3));
	EXPECT_TRUE(f.valid());
	EXPECT_FALSE(f.ready());
	EXPECT_EQ(f.current_state(), masync::state::idle);
	EXPECT_EQ(f.poll(), masync::state::running);
	EXPECT_EQ(f.current_state(), masync::state::running);
	EXPECT_EQ(f.poll(), masync::state::running);
	EXPECT_FALSE(f.ready());
	EXPECT_EQ(f.poll(), masync::state::complete);
	EXPECT_TRUE(f.ready());
	EXPECT_EQ(f.result().value, 3);
	EXPECT_FALSE(f.error());
	/* polling a complete future is harmless */
	EXPECT_EQ(f.poll(), masync::state::complete);
	EXPECT_EQ(f.result().value, 3);
}

TEST(CxxFuture, ResultBeforeCompletionThrows)
{
	countdown f(make_countdown(2));
	try {
		(void)f.result();
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.code(), masync::errc::not_ready);
	}
	std::error_code ec;
	auto out = f.result(ec);
	EXPECT_EQ(ec, masync::errc::not_ready);
	EXPECT_EQ(out.value, 0); /* value-initialized */
	EXPECT_FALSE(f.error());
}

TEST(CxxFuture, NotifierIsPassedThrough)
{
	countdown f(make_countdown(2));
	struct future_notifier n = masync::make_notifier();
	n.notifier_used = FUTURE_NOTIFIER_WAKER;
	f.poll(&n);
	EXPECT_EQ(n.notifier_used, FUTURE_NOTIFIER_NONE); /* set by the task */
}

TEST(CxxFuture, MoveLeavesEmptyAndDisarmed)
{
	countdown a(make_countdown(2));
	a.poll();
	countdown b(std::move(a));
	EXPECT_FALSE(a.valid());
	EXPECT_FALSE(a.ready());
	/* polling the moved-from object does not run the task again */
	EXPECT_EQ(a.poll(), masync::state::complete);
	EXPECT_EQ(b.c_future().data.total, 1);
	EXPECT_EQ(b.poll(), masync::state::complete);
	EXPECT_EQ(b.result().value, 2);
	try {
		(void)a.result();
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.code(), masync::errc::no_future);
	}
	std::error_code ec;
	(void)a.result(ec);
	EXPECT_EQ(ec, masync::errc::no_future);
}

TEST(CxxFuture, DefaultConstructedIsEmpty)
{
	countdown e;
	EXPECT_FALSE(e.valid());
	EXPECT_EQ(e.poll(), masync::state::complete);
}

TEST(CxxFuture, DestructorFinishesTheOperation)
{
	event ev;
	ev.done = 1; /* completes at its first poll */
	{
		masync::future<event_future> f(make_event_future(ev));
	}
	EXPECT_EQ(ev.polls.load(), 1); /* the destructor ran it once */
	countdown_future raw = make_countdown(5);
	{
		masync::future<countdown_future> f(raw);
		f.poll();
		/* destroyed while running: driven to completion */
	}
	SUCCEED();
}

TEST(CxxFuture, MoveAssignFinishesTheOverwrittenFuture)
{
	event ev1, ev2;
	ev1.done = 1;
	ev2.done = 1;
	masync::future<event_future> a(make_event_future(ev1));
	masync::future<event_future> b(make_event_future(ev2));
	b = std::move(a);
	EXPECT_EQ(ev2.polls.load(), 1); /* b's old future was finished first */
	EXPECT_EQ(ev1.polls.load(), 0);
	EXPECT_EQ(b.poll(), masync::state::complete);
	EXPECT_EQ(ev1.polls.load(), 1);
	EXPECT_FALSE(a.valid());
	auto &alias = b;
	b = std::move(alias); /* self-move: no effect */
	EXPECT_TRUE(b.valid());
}

TEST(CxxFuture, ReleaseGivesTheCFutureBack)
{
	countdown f(make_countdown(1));
	countdown_future raw = f.release();
	EXPECT_FALSE(f.valid());
	EXPECT_EQ(FUTURE_STATE(&raw), FUTURE_STATE_IDLE);
	FUTURE_BUSY_POLL(&raw);
	EXPECT_EQ(FUTURE_OUTPUT(&raw)->value, 1);
}

TEST(CxxFuture, RunnableIsTheCFuture)
{
	countdown f(make_countdown(1));
	EXPECT_EQ(f.runnable(), FUTURE_AS_RUNNABLE(&f.c_future()));
	EXPECT_EQ(masync::as_runnable(f), f.runnable());
	countdown_future raw = make_countdown(1);
	EXPECT_EQ(masync::as_runnable(raw), &raw.base);
	const countdown &cf = f;
	EXPECT_EQ(&cf.c_future(), &f.c_future());
}

TEST(CxxFuture, AlreadyCompleteCFuture)
{
	countdown_future raw;
	raw.output.value = 9;
	FUTURE_INIT_COMPLETE(&raw);
	countdown f(raw);
	EXPECT_TRUE(f.ready());
	EXPECT_EQ(f.result().value, 9);
}

/* A result policy that fails: result() throws, result(ec) reports. */
struct failing_policy {
	using type = int;
	static std::error_code error(const countdown_future &f) noexcept
	{
		return f.output.value > 1 ? std::error_code(masync::vdm_errc::job_corrupted)
		                          : std::error_code();
	}
	static int value(countdown_future &f) noexcept { return f.output.value; }
};

TEST(CxxFuture, PolicyErrors)
{
	masync::future<countdown_future, failing_policy> bad(make_countdown(2));
	bad.poll();
	bad.poll();
	ASSERT_TRUE(bad.ready());
	EXPECT_EQ(bad.error(), masync::vdm_errc::job_corrupted);
	try {
		(void)bad.result();
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.c_code(), 2); /* VDM_ERROR_JOB_CORRUPTED */
	}
	std::error_code ec;
	EXPECT_EQ(bad.result(ec), 0);
	EXPECT_EQ(ec, masync::vdm_errc::job_corrupted);

	masync::future<countdown_future, failing_policy> good(make_countdown(1));
	good.poll();
	EXPECT_EQ(good.result(ec), 1);
	EXPECT_FALSE(ec);
}
