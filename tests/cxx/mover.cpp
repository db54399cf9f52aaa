/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* masync/mover.hpp: sync_mover, threads_mover, mover_ref and their operations. */
#include <masync/mover.hpp>
#include <masync/runtime.hpp>

#include <array>
#include <cstring>
#include <numeric>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

static_assert(!std::is_copy_constructible_v<masync::sync_mover>);
static_assert(!std::is_copy_constructible_v<masync::threads_mover>);
static_assert(std::is_nothrow_move_constructible_v<masync::sync_mover>);
static_assert(std::is_nothrow_move_constructible_v<masync::threads_mover>);
static_assert(std::is_same_v<masync::vdm_future::result_type, void *>);
static_assert(std::is_same_v<masync::flush_future::result_type, void>);
static_assert(std::is_same_v<masync::span_future<int>::result_type, std::span<int>>);
/* a mover future is the C future by value plus the empty flag: no pointer, no heap */
static_assert(sizeof(masync::vdm_future) == sizeof(vdm_operation_future) + 8);

/* Runs every operation on one mover through a runtime and checks the bytes. */
template <class Mover> static void exercise(Mover &m)
{
	masync::runtime rt;
	std::array<char, 256> src{}, dst{};
	std::iota(src.begin(), src.end(), 0);

	auto cp = m.memcpy(dst.data(), src.data(), 100);
	rt.wait(cp);
	EXPECT_EQ(cp.result(), dst.data());
	EXPECT_EQ(std::memcmp(dst.data(), src.data(), 100), 0);
	EXPECT_EQ(dst[100], 0);

	auto mv = m.memmove(dst.data() + 10, dst.data(), 50); /* overlapping */
	rt.wait(mv);
	EXPECT_EQ(mv.result(), dst.data() + 10);
	for (int i = 0; i < 50; i++)
		ASSERT_EQ(dst[10 + i], src[i]);

	auto ms = m.memset(dst.data(), 0x5a, 256);
	rt.wait(ms);
	EXPECT_EQ(ms.result(), dst.data());
	for (char c : dst)
		ASSERT_EQ(c, 0x5a);

	auto fl = m.flush(dst.data(), dst.size());
	rt.wait(fl);
	fl.result(); /* void, does not throw */
	EXPECT_FALSE(fl.error());

	/* span forms */
	std::vector<int> a(64), b(64);
	std::iota(a.begin(), a.end(), 1000);
	auto scp = m.memcpy(std::span(b), a);
	rt.wait(scp);
	std::span<int> out = scp.result();
	EXPECT_EQ(out.data(), b.data());
	EXPECT_EQ(out.size(), 64u);
	EXPECT_EQ(a, b);

	auto smv = m.memmove(std::span(b).subspan(1), std::span<const int>(b).first(10));
	rt.wait(smv);
	EXPECT_EQ(smv.result().size(), 10u);
	EXPECT_EQ(b[1], 1000);
	EXPECT_EQ(b[10], 1009);

	std::array<unsigned char, 32> bytes{};
	auto sms = m.memset(std::span(bytes), 0xff);
	rt.wait(sms);
	EXPECT_EQ(sms.result().size(), 32u);
	EXPECT_EQ(bytes[31], 0xff);

	auto sfl = m.flush(std::span<const int>(a));
	rt.wait(sfl);
	sfl.result();

	/* a fixed-extent destination */
	std::array<int, 4> four{};
	auto f4 = m.memcpy(std::span<int, 4>(four), std::span<const int>(a).first(4));
	rt.wait(f4);
	EXPECT_EQ(f4.result()[3], 1003);

	/* a destination that is too small is refused at once */
	try {
		auto bad = m.memcpy(std::span(four), a);
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.code(), std::errc::invalid_argument);
	}
	try {
		auto bad = m.memmove(std::span(four), a);
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.code(), std::errc::invalid_argument);
	}

	/* zero-sized operations complete */
	auto z = m.memcpy(dst.data(), src.data(), 0);
	rt.wait(z);
	EXPECT_FALSE(z.error());
}

TEST(CxxMover, SyncMoverOperations)
{
	masync::sync_mover m;
	ASSERT_TRUE(m);
	exercise(m);
	EXPECT_EQ(m.get_vdm(), data_mover_sync_get_vdm(m.native()));
}

TEST(CxxMover, SyncMoverCompletesOnFirstPoll)
{
	masync::sync_mover m;
	char a[8] = "abcdefg", b[8] = {};
	auto f = m.memcpy(b, a, 8);
	EXPECT_EQ(f.poll(), masync::state::complete);
	EXPECT_STREQ(b, "abcdefg");
}

TEST(CxxMover, ThreadsMoverOperationsEveryNotifier)
{
	for (auto n : {masync::notifier::waker, masync::notifier::none, masync::notifier::poller}) {
		masync::threads_mover m(
		    masync::threads_mover_options{.threads = 2, .queue_size = 64, .notifier = n});
		ASSERT_TRUE(m);
		exercise(m);
	}
}

TEST(CxxMover, ThreadsMoverDefaultAndErrorCodeConstructor)
{
	masync::threads_mover d;
	ASSERT_TRUE(d);
	exercise(d);
	std::error_code ec;
	masync::threads_mover m(masync::threads_mover_options{}, ec);
	EXPECT_FALSE(ec);
	ASSERT_TRUE(m);
	exercise(m);
	EXPECT_EQ(m.get_vdm(), data_mover_threads_get_vdm(m.native()));
}

static void *counting_memcpy(void *d, const void *s, size_t n, unsigned)
{
	static std::atomic<int> calls{0};
	calls++;
	return std::memcpy(d, s, n);
}

TEST(CxxMover, ThreadsMoverCustomFunctions)
{
	masync::threads_mover m(
	    masync::threads_mover_options{.threads = 1, .memcpy_fn = counting_memcpy});
	masync::runtime rt;
	char a[16] = "custom", b[16] = {};
	auto f = m.memcpy(b, a, 16);
	rt.wait(f);
	EXPECT_STREQ(b, "custom");
}

TEST(CxxMover, SyncMoverErrorCodeConstructorAndMoves)
{
	std::error_code ec;
	masync::sync_mover a(ec);
	EXPECT_FALSE(ec);
	ASSERT_TRUE(a);
	masync::sync_mover b(std::move(a));
	EXPECT_FALSE(a);
	EXPECT_TRUE(b);
	masync::sync_mover c;
	c = std::move(b); /* c's old mover is deleted */
	EXPECT_FALSE(b);
	exercise(c);
	struct data_mover_sync *raw = c.release();
	EXPECT_FALSE(c);
	masync::sync_mover d(raw); /* adopt */
	exercise(d);

	masync::threads_mover t1(masync::threads_mover_options{.threads = 1});
	masync::threads_mover t2(std::move(t1));
	EXPECT_FALSE(t1);
	masync::threads_mover t3(masync::threads_mover_options{.threads = 1});
	t3 = std::move(t2);
	exercise(t3);
	masync::threads_mover t4(t3.release());
	exercise(t4);
}

TEST(CxxMover, MoverRefOnAnyVdm)
{
	masync::sync_mover m;
	masync::mover_ref r = m.ref();
	EXPECT_EQ(r.get_vdm(), m.get_vdm());
	exercise(r);
	masync::mover_ref raw(data_mover_sync_get_vdm(m.native()));
	exercise(raw);
	EXPECT_EQ(r.capabilities(), m.get_vdm()->capabilities);
	EXPECT_TRUE(r.is_supported(0));
	EXPECT_EQ(r.is_supported(VDM_F_MEM_DURABLE),
	          vdm_is_supported(m.get_vdm(), VDM_F_MEM_DURABLE) != 0);
}

TEST(CxxMover, OutOfRecordsIsAnError)
{
	/* Hold records without completing them until the pool runs dry. */
	masync::sync_mover m;
	char a[8] = {}, b[8] = {};
	std::vector<masync::vdm_future> held;
	held.reserve(1 << 16);
	for (int i = 0; i < (1 << 16); i++) {
		held.push_back(m.memcpy(b, a, 8));
		if (held.back().ready())
			break;
	}
	ASSERT_TRUE(held.back().ready()) << "the pool never ran out";
	masync::vdm_future &oom = held.back();
	EXPECT_EQ(oom.error(), masync::vdm_errc::out_of_memory);
	try {
		(void)oom.result();
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.c_code(), VDM_ERROR_OUT_OF_MEMORY);
		EXPECT_EQ(&e.code().category(), &masync::vdm_category());
	}
	std::error_code ec;
	EXPECT_EQ(oom.result(ec), nullptr);
	EXPECT_EQ(ec, masync::vdm_errc::out_of_memory);
	/* destroying the held futures completes them and frees the records */
	held.clear();
	auto again = m.memcpy(b, a, 8);
	EXPECT_EQ(again.poll(), masync::state::complete);
	EXPECT_EQ(again.result(), b);
}
