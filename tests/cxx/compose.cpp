/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* masync/compose.hpp: when_all and then, without heap allocation. */
#include <masync/compose.hpp>
#include <masync/mover.hpp>
#include <masync/runtime.hpp>

#include <cstring>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "cxx/helpers.hpp"

using countdown = masync::future<countdown_future>;

TEST(CxxCompose, WhenAllResultsInOrder)
{
	masync::runtime rt;
	masync::sync_mover m;
	char a[16] = "abc", b[16] = {}, c[16] = {};
	auto all = masync::when_all(m.memcpy(b, a, 16), m.memset(c, 'z', 3), m.flush(a, 16),
	                            countdown(make_countdown(3)));
	static_assert(std::is_same_v<decltype(all)::result_type,
	                             std::tuple<void *, void *, std::monostate, countdown_output>>);
	rt.wait(all);
	auto [pb, pc, none, cd] = all.result();
	(void)none;
	EXPECT_EQ(pb, b);
	EXPECT_EQ(pc, c);
	EXPECT_EQ(cd.value, 3);
	EXPECT_STREQ(b, "abc");
	EXPECT_EQ(std::string(c), "zzz");
}

TEST(CxxCompose, WhenAllPollsEveryChildEachPoll)
{
	auto all = masync::when_all(countdown(make_countdown(2)), countdown(make_countdown(3)));
	EXPECT_EQ(all.poll(), masync::state::running);
	auto &futs = all.c_future().data.futs;
	EXPECT_EQ(std::get<0>(futs).c_future().data.total, 1);
	EXPECT_EQ(std::get<1>(futs).c_future().data.total, 1);
	EXPECT_EQ(all.poll(), masync::state::running);
	EXPECT_TRUE(std::get<0>(futs).ready());
	EXPECT_EQ(all.poll(), masync::state::complete);
	/* a finished child is not polled again */
	EXPECT_EQ(std::get<0>(futs).c_future().data.total, 2);
	EXPECT_EQ(std::get<1>(futs).c_future().data.total, 3);
}

TEST(CxxCompose, WhenAllNotifierSummary)
{
	event ev;
	masync::future<event_future> waker_child(make_event_future(ev));
	auto all = masync::when_all(std::move(waker_child), countdown(make_countdown(3)));
	struct future_notifier n = masync::make_notifier({nullptr, [](void *) {}});
	all.poll(&n);
	EXPECT_EQ(n.notifier_used, FUTURE_NOTIFIER_NONE); /* the countdown notifies nobody */
	all.poll(&n);
	all.poll(&n); /* the countdown is done; the event child uses a waker */
	n.notifier_used = FUTURE_NOTIFIER_NONE;
	all.poll(&n);
	EXPECT_EQ(n.notifier_used, FUTURE_NOTIFIER_WAKER);
	ev.signal();
	EXPECT_EQ(all.poll(&n), masync::state::complete);

	event pe;
	pe.use_poller = true;
	auto one_poller = masync::when_all(masync::future<event_future>(make_event_future(pe)));
	one_poller.poll(&n);
	EXPECT_EQ(n.notifier_used, FUTURE_NOTIFIER_POLLER);
	EXPECT_EQ(n.poller.ptr_to_monitor, &pe.word);
	pe.signal();
	EXPECT_EQ(one_poller.poll(&n), masync::state::complete);

	masync::detail::notifier_summary two;
	struct future_notifier p = masync::make_notifier();
	p.notifier_used = FUTURE_NOTIFIER_POLLER;
	two.add(p);
	two.add(p);
	two.report(&n);
	EXPECT_EQ(n.notifier_used, FUTURE_NOTIFIER_NONE); /* two words: cannot watch both */
	two.report(nullptr);                              /* harmless */
}

TEST(CxxCompose, WhenAllPropertyIsThatOfUnfinishedChildren)
{
	masync::threads_mover tm(masync::threads_mover_options{.threads = 1});
	char a[8] = {}, b[8] = {};
	auto all = masync::when_all(countdown(make_countdown(1)), tm.memcpy(b, a, 8));
	int async_child = future_has_property(std::get<1>(all.c_future().data.futs).runnable(),
	                                      FUTURE_PROPERTY_ASYNC);
	EXPECT_EQ(future_has_property(all.runnable(), FUTURE_PROPERTY_ASYNC), async_child);
	masync::runtime rt;
	rt.wait(all);
	EXPECT_EQ(future_has_property(all.runnable(), FUTURE_PROPERTY_ASYNC), 0);
	auto sync_only = masync::when_all(countdown(make_countdown(1)));
	EXPECT_EQ(future_has_property(sync_only.runnable(), FUTURE_PROPERTY_ASYNC), 0);
}

TEST(CxxCompose, WhenAllFailsWithTheFirstFailure)
{
	masync::sync_mover m;
	char a[8] = {}, b[8] = {};
	std::vector<masync::vdm_future> held;
	for (int i = 0; i < (1 << 16); i++) {
		held.push_back(m.memcpy(b, a, 8));
		if (held.back().ready())
			break;
	}
	ASSERT_TRUE(held.back().ready());
	masync::vdm_future oom = std::move(held.back());
	held.pop_back();
	auto all = masync::when_all(countdown(make_countdown(1)), std::move(oom));
	masync::runtime rt;
	rt.wait(all);
	EXPECT_EQ(all.error(), masync::vdm_errc::out_of_memory);
	EXPECT_THROW((void)all.result(), masync::error);
	held.clear();
}

TEST(CxxCompose, ThenMapsTheResult)
{
	masync::runtime rt;
	masync::sync_mover m;
	char a[16] = "then", b[16] = {};
	auto f =
	    masync::then(m.memcpy(b, a, 16), [](void *dst) { return std::strlen((char *)dst); });
	static_assert(std::is_same_v<decltype(f)::result_type, std::size_t>);
	rt.wait(f);
	EXPECT_EQ(f.result(), 4u);

	int called = 0;
	auto g = masync::then(m.flush(a, 16), [&] { called++; });
	static_assert(std::is_same_v<decltype(g)::result_type, void>);
	rt.wait(g);
	g.result();
	EXPECT_EQ(called, 1);
	g.poll(); /* the continuation runs once */
	EXPECT_EQ(called, 1);

	auto h = masync::then(countdown(make_countdown(3)),
	                      [](countdown_output o) { return o.value * 2; });
	rt.wait(h);
	EXPECT_EQ(h.result(), 6);
}

TEST(CxxCompose, ThenSequencesAFutureReturningContinuation)
{
	masync::runtime rt;
	masync::threads_mover m(masync::threads_mover_options{.threads = 2});
	char a[64] = "first", b[64] = {}, c[64] = {};
	auto f = masync::then(m.memcpy(b, a, 64), [&](void *dst) { return m.memcpy(c, dst, 64); });
	static_assert(std::is_same_v<decltype(f)::result_type, void *>);
	rt.wait(f);
	EXPECT_EQ(f.result(), c);
	EXPECT_STREQ(c, "first");

	/* nesting: then of when_all, when_all of then */
	auto nested = masync::when_all(
	    masync::then(masync::when_all(m.memset(a, 'x', 4), m.memset(b, 'y', 4)),
	                 [&](auto) { return m.memcpy(c, a, 4); }),
	    countdown(make_countdown(2)));
	rt.wait(nested);
	auto [pc, cd] = nested.result();
	EXPECT_EQ(pc, c);
	EXPECT_EQ(cd.value, 2);
	EXPECT_EQ(std::string(c, 4), "xxxx");
}

TEST(CxxCompose, ThenErrorsAndExceptions)
{
	masync::runtime rt;
	masync::sync_mover m;
	char a[8] = {};
	auto thrower =
	    masync::then(m.flush(a, 8), []() -> int { throw std::runtime_error("boom"); });
	rt.wait(thrower);
	EXPECT_THROW((void)thrower.result(), std::runtime_error);
	std::error_code ec;
	EXPECT_EQ(thrower.result(ec), 0);
	EXPECT_EQ(ec, masync::errc::no_result);

	auto sys = masync::then(m.flush(a, 8), []() -> int {
		throw masync::error(masync::make_errno_error_code(EIO), "user");
	});
	rt.wait(sys);
	EXPECT_EQ(sys.error(), std::errc::io_error);
	try {
		(void)sys.result();
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.c_code(), EIO); /* the original exception */
	}

	/* a failed first future skips the continuation */
	std::vector<masync::vdm_future> held;
	for (int i = 0; i < (1 << 16); i++) {
		held.push_back(m.memcpy(a, a + 4, 4));
		if (held.back().ready())
			break;
	}
	ASSERT_TRUE(held.back().ready());
	masync::vdm_future oom = std::move(held.back());
	held.pop_back();
	int called = 0;
	auto skipped = masync::then(std::move(oom), [&](void *) { return ++called; });
	rt.wait(skipped);
	EXPECT_EQ(called, 0);
	EXPECT_EQ(skipped.error(), masync::vdm_errc::out_of_memory);
	EXPECT_THROW((void)skipped.result(), masync::error);
	held.clear();
}

TEST(CxxCompose, CompositesAreCFutures)
{
	/* a composite can be driven by plain C: FUTURE_BUSY_POLL and its sizes */
	auto all = masync::when_all(countdown(make_countdown(2)), countdown(make_countdown(4)));
	auto &cf = all.c_future();
	EXPECT_EQ(sizeof(cf),
	          sizeof(struct future) + cf.base.context.data_size + cf.base.context.output_size);
	FUTURE_BUSY_POLL(&cf);
	EXPECT_TRUE(all.ready());
	auto [x, y] = all.result();
	EXPECT_EQ(x.value + y.value, 6);
}

TEST(CxxCompose, DestroyingAnUnfinishedCompositeFinishesChildren)
{
	event ev;
	{
		auto all = masync::when_all(masync::future<event_future>(make_event_future(ev)),
		                            countdown(make_countdown(2)));
		all.poll();
		std::thread t([&] { ev.signal(); });
		t.join();
	} /* the destructor polls until both children are done */
	EXPECT_GE(ev.polls.load(), 2);
}

TEST(CxxCompose, MovingACompositeKeepsItWorking)
{
	auto all = masync::when_all(countdown(make_countdown(3)));
	all.poll();
	auto moved = std::move(all);
	EXPECT_FALSE(all.valid());
	masync::runtime rt;
	rt.wait(moved);
	EXPECT_EQ(std::get<0>(moved.result()).value, 3);
}
