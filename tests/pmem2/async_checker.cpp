/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The persistence checker catches movers that break their durability
 * promise: a mover advertising VDM_F_MEM_DURABLE that skips its fence or its
 * write-backs; the default mover fences at BYTE granularity (PMDK's old
 * default-mover bug). A correct mover passes. Each violation
 * names the operation and the range.
 */
#include "async_fixture.hpp"
#include "async_test_movers.hpp"

#include "pmem2/map.hpp"

using namespace async_test;
namespace pc = masync::persistence_checker;

namespace
{

constexpr std::size_t map_size = 1 << 20;

class async_checker : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		if (!pc::enabled)
			GTEST_SKIP() << "built without -DMASYNC_PERSISTENCE_CHECKER=ON";
		pc::clear_violations();
		std::memset(src, 'c', sizeof(src));
	}
	void TearDown() override
	{
		pc::clear_violations();
		masync::store_fence(); /* leave no unfenced write-back behind */
	}

	/* Runs one 4 KiB copy at offset 4096 through mover v at granularity g. */
	struct pmem2_future copy_once(pmem2_granularity g, struct vdm *v)
	{
		shm_map m(map_size, g, v);
		EXPECT_NE(m.map(), nullptr);
		base = m.base();
		auto f = pmem2_memcpy_async(m.map(), base + 4096, src, 4096, 0);
		FUTURE_BUSY_POLL(&f);
		EXPECT_EQ(FUTURE_OUTPUT(&f)->dest, base + 4096);
		return f;
	}

	char src[4096];
	char *base = nullptr;
};

TEST_F(async_checker, a_correct_mover_passes)
{
	scripted_mover mv(script::correct);
	copy_once(PMEM2_GRANULARITY_CACHE_LINE, mv.vdm());
	EXPECT_EQ(pc::violation_count(), 0u);
}

TEST_F(async_checker, catches_a_mover_that_skips_its_fence)
{
	scripted_mover mv(script::no_fence);
	copy_once(PMEM2_GRANULARITY_CACHE_LINE, mv.vdm());
	ASSERT_EQ(pc::violation_count(), 1u);
	auto v = pc::violations().at(0);
	EXPECT_EQ(v.operation, "pmem2_memcpy_async");
	EXPECT_EQ(v.begin, reinterpret_cast<std::uintptr_t>(base + 4096));
	EXPECT_EQ(v.end, reinterpret_cast<std::uintptr_t>(base + 8192));
	EXPECT_EQ(v.gran, pc::granularity::cache_line);
	EXPECT_NE(v.reason.find("not fenced"), std::string::npos) << v.reason;
}

TEST_F(async_checker, catches_a_mover_that_skips_its_write_backs)
{
	scripted_mover mv(script::no_flush);
	copy_once(PMEM2_GRANULARITY_CACHE_LINE, mv.vdm());
	ASSERT_EQ(pc::violation_count(), 1u);
	EXPECT_NE(pc::violations().at(0).reason.find("not written back"), std::string::npos);
}

/* A mover without VDM_F_MEM_DURABLE is completed by the finalizer: no violation. */
TEST_F(async_checker, the_finalizer_covers_a_mover_without_durability)
{
	scripted_mover mv(script::no_flush, 0);
	copy_once(PMEM2_GRANULARITY_CACHE_LINE, mv.vdm());
	copy_once(PMEM2_GRANULARITY_PAGE, mv.vdm());
	copy_once(PMEM2_GRANULARITY_BYTE, mv.vdm());
	EXPECT_EQ(pc::violation_count(), 0u);
}

/*
 * BYTE granularity: PMDK's default mover stored without a fence (PMDK issue
 * 5596). Ours fences whatever the caller's flags; the checker would report
 * each future that it did not.
 */
TEST_F(async_checker, the_default_mover_fences_at_byte_granularity)
{
	shm_map m(map_size, PMEM2_GRANULARITY_BYTE, nullptr);
	ASSERT_NE(m.map(), nullptr);
	masync::store_fence(); /* the checker looks at fences after the operation began */
	for (unsigned f : {0u, unsigned(PMEM2_F_MEM_NODRAIN), unsigned(PMEM2_F_MEM_NOFLUSH),
	                   unsigned(PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN)}) {
		auto g = pmem2_memcpy_async(m.map(), m.base(), src, 4096, f);
		FUTURE_BUSY_POLL(&g);
	}
	EXPECT_EQ(pc::violation_count(), 0u);
}

} // namespace
