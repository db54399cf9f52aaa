/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The persistence checker's model, driven directly: which sequences of
 * write-backs, streaming stores, fences and msyncs make a range durable at
 * each granularity, and that the verdicts name the operation and range.
 * The primitives are not executed here: only their reports are.
 */
#include "common/persistence_checker.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace pc = masync::persistence_checker;

namespace
{

class checker : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		if (!pc::enabled)
			GTEST_SKIP() << "built without -DMASYNC_PERSISTENCE_CHECKER=ON";
		pc::clear_violations();
		/* Memory standing for a map; never written, only its addresses matter. */
		map = static_cast<char *>(std::aligned_alloc(4096, map_len));
		ASSERT_NE(map, nullptr);
	}
	void TearDown() override
	{
		pc::clear_violations();
		std::free(map);
	}

	pc::operation op(char *dest, std::size_t len, pc::granularity g)
	{
		return {"test_op", map, map_len, dest, len, g};
	}

	static constexpr std::size_t map_len = 64 * 1024;
	char *map = nullptr;
};

} // namespace

TEST_F(checker, cache_line_flush_then_fence_is_durable)
{
	auto o = op(map + 100, 1000, pc::granularity::cache_line);
	auto id = pc::op_begin(o);
	ASSERT_NE(id, 0u);
	pc::note_flush(map + 100, 1000);
	pc::note_fence();
	pc::op_complete(id, o);
	EXPECT_EQ(pc::violation_count(), 0u);
}

TEST_F(checker, cache_line_missing_fence_is_reported_with_range)
{
	auto o = op(map + 128, 256, pc::granularity::cache_line);
	auto id = pc::op_begin(o);
	pc::note_flush(map + 128, 256);
	pc::op_complete(id, o);
	ASSERT_EQ(pc::violation_count(), 1u);
	auto v = pc::violations().at(0);
	EXPECT_EQ(v.operation, "test_op");
	EXPECT_EQ(v.begin, reinterpret_cast<std::uintptr_t>(map + 128));
	EXPECT_EQ(v.end, reinterpret_cast<std::uintptr_t>(map + 384));
	EXPECT_EQ(v.gran, pc::granularity::cache_line);
	EXPECT_NE(v.reason.find("not fenced"), std::string::npos) << v.reason;
	pc::note_fence(); /* leave no pending write-back behind */
}

TEST_F(checker, cache_line_missing_flush_of_one_line_is_reported)
{
	auto o = op(map, 256, pc::granularity::cache_line);
	auto id = pc::op_begin(o);
	pc::note_flush(map, 192); /* the last line is forgotten */
	pc::note_fence();
	pc::op_complete(id, o);
	ASSERT_EQ(pc::violation_count(), 1u);
	EXPECT_EQ(pc::violations().at(0).first_bad, reinterpret_cast<std::uintptr_t>(map + 192));
}

TEST_F(checker, flushes_before_the_operation_began_do_not_count)
{
	pc::note_flush(map, 64);
	pc::note_fence();
	auto o = op(map, 64, pc::granularity::cache_line);
	auto id = pc::op_begin(o);
	pc::op_complete(id, o);
	EXPECT_EQ(pc::violation_count(), 1u);
}

TEST_F(checker, a_fence_only_drains_its_own_thread)
{
	auto o = op(map, 64, pc::granularity::cache_line);
	auto id = pc::op_begin(o);
	std::thread([&] { pc::note_flush(map, 64); }).join(); /* never fenced there */
	pc::note_fence();
	pc::op_complete(id, o);
	EXPECT_EQ(pc::violation_count(), 1u);

	pc::clear_violations();
	o = op(map, 64, pc::granularity::cache_line);
	id = pc::op_begin(o);
	std::thread([&] {
		pc::note_nt_store(map, 64);
		pc::note_fence();
	}).join();
	pc::op_complete(id, o);
	EXPECT_EQ(pc::violation_count(), 0u);
}

TEST_F(checker, page_needs_msync_and_flushes_do_not_replace_it)
{
	auto o = op(map + 4000, 200, pc::granularity::page);
	auto id = pc::op_begin(o);
	pc::note_flush(map + 4000, 200);
	pc::note_fence();
	pc::note_msync(map, 4096); /* the second page is left out */
	pc::op_complete(id, o);
	ASSERT_EQ(pc::violation_count(), 1u);
	EXPECT_EQ(pc::violations().at(0).first_bad, reinterpret_cast<std::uintptr_t>(map + 4096));

	pc::clear_violations();
	o = op(map + 4000, 200, pc::granularity::page);
	id = pc::op_begin(o);
	pc::note_msync(map, 8192);
	pc::op_complete(id, o);
	EXPECT_EQ(pc::violation_count(), 0u);
}

TEST_F(checker, msync_also_makes_cache_lines_durable)
{
	auto o = op(map, 300, pc::granularity::cache_line);
	auto id = pc::op_begin(o);
	pc::note_msync(map, 4096);
	pc::op_complete(id, o);
	EXPECT_EQ(pc::violation_count(), 0u);
}

TEST_F(checker, byte_needs_a_fence_on_the_completing_thread)
{
	auto o = op(map, 100, pc::granularity::byte);
	auto id = pc::op_begin(o);
	pc::op_complete(id, o);
	EXPECT_EQ(pc::violation_count(), 1u);

	pc::clear_violations();
	o = op(map, 100, pc::granularity::byte);
	id = pc::op_begin(o);
	pc::note_fence();
	pc::op_complete(id, o);
	EXPECT_EQ(pc::violation_count(), 0u);
}

TEST_F(checker, byte_unfenced_streaming_stores_of_another_thread_are_reported)
{
	auto o = op(map, 4096, pc::granularity::byte);
	auto id = pc::op_begin(o);
	std::thread([&] { pc::note_nt_store(map + 1024, 1024); }).join();
	pc::note_fence(); /* the completing thread's fence does not drain the other's */
	pc::op_complete(id, o);
	ASSERT_EQ(pc::violation_count(), 1u);
	EXPECT_EQ(pc::violations().at(0).first_bad, reinterpret_cast<std::uintptr_t>(map + 1024));
}

TEST_F(checker, id_zero_is_not_judged)
{
	auto o = op(map, 100, pc::granularity::cache_line);
	pc::op_complete(0, o); /* an operation the checker never saw */
	EXPECT_EQ(pc::violation_count(), 0u);
}

/* A new map at the addresses of an old one starts with a clean state. */
TEST_F(checker, a_new_map_over_an_old_one_starts_clean)
{
	auto o = op(map, 64, pc::granularity::cache_line);
	auto id = pc::op_begin(o);
	pc::note_flush(map, 64);
	pc::note_fence();
	pc::op_complete(id, o);
	EXPECT_EQ(pc::violation_count(), 0u);
	pc::operation smaller{"test_op", map, 4096, map, 64, pc::granularity::cache_line};
	id = pc::op_begin(smaller);
	pc::op_complete(id, smaller);
	EXPECT_EQ(pc::violation_count(), 1u);
}
