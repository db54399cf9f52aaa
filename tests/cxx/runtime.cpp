/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* masync/runtime.hpp: the runtime owner and waiting for one or many futures. */
#include <masync/mover.hpp>
#include <masync/runtime.hpp>

#include <thread>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "cxx/helpers.hpp"

static_assert(!std::is_copy_constructible_v<masync::runtime>);
static_assert(std::is_nothrow_move_constructible_v<masync::runtime>);

TEST(CxxRuntime, WaitOneMasyncAndCFuture)
{
	masync::runtime rt;
	ASSERT_TRUE(rt);
	masync::future<countdown_future> f(make_countdown(5));
	rt.wait(f);
	EXPECT_TRUE(f.ready());
	EXPECT_EQ(f.result().value, 5);

	countdown_future raw = make_countdown(3);
	rt.wait(raw);
	EXPECT_EQ(FUTURE_STATE(&raw), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(raw.output.value, 3);
}

TEST(CxxRuntime, WaitManyOfDifferentTypes)
{
	masync::runtime rt;
	masync::sync_mover m;
	char a[32] = "many", b[32] = {};
	auto cp = m.memcpy(b, a, 32);
	masync::future<countdown_future> cd(make_countdown(4));
	countdown_future raw = make_countdown(2);
	rt.wait(cp, cd, raw);
	EXPECT_TRUE(cp.ready());
	EXPECT_TRUE(cd.ready());
	EXPECT_EQ(raw.output.value, 2);
	EXPECT_STREQ(b, "many");
}

TEST(CxxRuntime, WaitForWakerDrivenFuture)
{
	masync::runtime rt;
	event ev;
	masync::future<event_future> f(make_event_future(ev));
	std::thread t([&] {
		while (ev.polls.load() == 0)
			std::this_thread::yield();
		ev.signal();
	});
	rt.wait(f);
	t.join();
	EXPECT_TRUE(f.ready());
}

TEST(CxxRuntime, WaitAllSpanBeyondOneSlice)
{
	masync::runtime rt;
	masync::threads_mover m(masync::threads_mover_options{.threads = 2});
	std::vector<char> src(600 * 64), dst(600 * 64);
	for (size_t i = 0; i < src.size(); i++)
		src[i] = static_cast<char>(i * 7);
	std::vector<masync::vdm_future> fs;
	for (int i = 0; i < 600; i++)
		fs.push_back(m.memcpy(&dst[i * 64], &src[i * 64], 64));
	rt.wait_all(std::span(fs));
	for (auto &f : fs)
		ASSERT_TRUE(f.ready());
	EXPECT_EQ(src, dst);

	std::vector<countdown_future> raws;
	for (int i = 1; i < 100; i++)
		raws.push_back(make_countdown(i));
	rt.wait_all(std::span(raws));
	for (int i = 1; i < 100; i++)
		EXPECT_EQ(raws[i - 1].output.value, i);

	std::span<countdown_future> none;
	rt.wait_all(none);
}

TEST(CxxRuntime, ErrorCodeConstructorMoveAndRelease)
{
	std::error_code ec;
	masync::runtime a(ec);
	EXPECT_FALSE(ec);
	masync::runtime b(std::move(a));
	EXPECT_FALSE(a);
	masync::runtime c;
	c = std::move(b);
	EXPECT_FALSE(b);
	masync::future<countdown_future> f(make_countdown(2));
	c.wait(f);
	struct runtime *raw = c.release();
	EXPECT_FALSE(c);
	masync::runtime d(raw);
	EXPECT_EQ(d.native(), raw);
}

TEST(CxxRuntime, SeveralThreadsOnOneRuntime)
{
	masync::runtime rt;
	masync::threads_mover m(masync::threads_mover_options{.threads = 2});
	std::vector<std::thread> ts;
	for (int t = 0; t < 4; t++)
		ts.emplace_back([&, t] {
			std::vector<char> a(4096, static_cast<char>(t)), b(4096);
			for (int i = 0; i < 200; i++) {
				auto f = m.memcpy(b.data(), a.data(), a.size());
				rt.wait(f);
				ASSERT_EQ(f.result(), b.data());
				ASSERT_EQ(a, b);
			}
		});
	for (auto &t : ts)
		t.join();
}
