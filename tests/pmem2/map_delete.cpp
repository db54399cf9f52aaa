/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2_map_delete and pmem2_map_from_existing: unmapping what libpmem2
 * mapped, forgetting (not unmapping) what the user mapped, overlap
 * rejection, and the error codes.
 */
#include "pmem2_test.hpp"

#include "pmem2/map.hpp"
#include "pmem2/map_registry.hpp"

#include <sys/mman.h>

using namespace pmem2_test;

namespace
{

/* True when [addr, addr + len) is entirely unmapped. */
bool unmapped(void *addr, size_t len)
{
	void *p =
	    mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	munmap(p, len);
	return p == addr;
}

} // namespace

TEST(map_delete, unmaps_and_resets)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	pmem2_map *map = nullptr;
	ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
	void *addr = pmem2_map_get_address(map);
	EXPECT_FALSE(unmapped(addr, 64 * KiB));
	EXPECT_PMEM2_OK(pmem2_map_delete(&map));
	EXPECT_EQ(map, nullptr);
	EXPECT_TRUE(unmapped(addr, 64 * KiB));
	EXPECT_EQ(masync::pmem2::registry_find(addr), nullptr);
}

TEST(map_delete, not_registered)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	pmem2_map *map = nullptr;
	ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0);
	/* simulate a corrupted/foreign map: take it out of the registry */
	ASSERT_EQ(masync::pmem2::registry_remove(map), 0);
	pmem2_map *copy = map;
	EXPECT_PMEM2_FAIL(pmem2_map_delete(&map), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(map, copy) << "map_ptr must be left unmodified on failure";
	ASSERT_EQ(masync::pmem2::registry_add(map), 0);
	EXPECT_PMEM2_OK(pmem2_map_delete(&map));
}

TEST(map_delete, null_arguments)
{
	pmem2_map *map = nullptr;
	EXPECT_PMEM2_FAIL(pmem2_map_delete(nullptr), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_map_delete(&map), -EINVAL);
}

TEST(map_from_existing, describes_without_owning)
{
	scratch_file f(16 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	auto *mine = static_cast<char *>(
	    mmap(nullptr, 16 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd(), 0));
	ASSERT_NE(mine, MAP_FAILED);
	pmem2_map *map = nullptr;
	EXPECT_PMEM2_OK(
	    pmem2_map_from_existing(&map, src, mine, 16 * KiB, PMEM2_GRANULARITY_CACHE_LINE));
	ASSERT_NE(map, nullptr);
	EXPECT_EQ(pmem2_map_get_address(map), mine);
	EXPECT_EQ(pmem2_map_get_size(map), 16 * KiB);
	EXPECT_EQ(pmem2_map_get_store_granularity(map), PMEM2_GRANULARITY_CACHE_LINE);

	/* the memory functions work on it */
	pmem2_get_memcpy_fn(map)(mine + 8, "abc", 3, 0);
	char buf[3];
	ASSERT_EQ(pread(f.fd(), buf, 3, 8), 3);
	EXPECT_EQ(std::memcmp(buf, "abc", 3), 0);

	/* the same range cannot be described twice, nor any overlapping one */
	pmem2_map *other = reinterpret_cast<pmem2_map *>(&other);
	EXPECT_PMEM2_FAIL(
	    pmem2_map_from_existing(&other, src, mine, 16 * KiB, PMEM2_GRANULARITY_PAGE),
	    PMEM2_E_MAP_EXISTS);
	EXPECT_EQ(other, reinterpret_cast<pmem2_map *>(&other)) << "left unmodified";
	EXPECT_PMEM2_FAIL(
	    pmem2_map_from_existing(&other, src, mine + 4 * KiB, 1, PMEM2_GRANULARITY_PAGE),
	    PMEM2_E_MAP_EXISTS);
	EXPECT_PMEM2_FAIL(pmem2_map_from_existing(&other, src, mine - 4 * KiB, 4 * KiB + 1,
	                                          PMEM2_GRANULARITY_PAGE),
	                  PMEM2_E_MAP_EXISTS);
	/* adjacent ranges are fine */
	other = nullptr;
	EXPECT_PMEM2_OK(
	    pmem2_map_from_existing(&other, src, mine + 16 * KiB, 4 * KiB, PMEM2_GRANULARITY_PAGE));
	EXPECT_PMEM2_OK(pmem2_map_delete(&other));

	/* delete forgets it but leaves the memory mapped */
	EXPECT_PMEM2_OK(pmem2_map_delete(&map));
	mine[0] = 'k';
	EXPECT_EQ(mine[0], 'k');
	EXPECT_PMEM2_OK(pmem2_map_from_existing(&map, src, mine, 16 * KiB, PMEM2_GRANULARITY_BYTE));
	EXPECT_PMEM2_OK(pmem2_map_delete(&map));
	munmap(mine, 16 * KiB);
}

TEST(map_from_existing, overlapping_a_pmem2_mapping)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	map_ptr map;
	ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0);
	pmem2_map *other = nullptr;
	EXPECT_PMEM2_FAIL(pmem2_map_from_existing(&other, src, map.addr() + 60 * KiB, 8 * KiB,
	                                          PMEM2_GRANULARITY_PAGE),
	                  PMEM2_E_MAP_EXISTS);
	EXPECT_EQ(other, nullptr);
}

/* Zero-length descriptions hold no bytes: they overlap nothing and can be deleted. */
TEST(map_from_existing, zero_length)
{
	source_ptr src;
	ASSERT_EQ(pmem2_source_from_anon(&src, 4 * KiB), 0);
	static char area[8192];
	pmem2_map *a = nullptr, *b = nullptr, *c = nullptr;
	EXPECT_PMEM2_OK(pmem2_map_from_existing(&a, src, area, 0, PMEM2_GRANULARITY_PAGE));
	EXPECT_PMEM2_OK(pmem2_map_from_existing(&b, src, area, 0, PMEM2_GRANULARITY_PAGE));
	EXPECT_PMEM2_OK(pmem2_map_from_existing(&c, src, area, 4096, PMEM2_GRANULARITY_PAGE));
	EXPECT_EQ(pmem2_map_get_size(a), 0u);
	EXPECT_PMEM2_OK(pmem2_map_delete(&a));
	EXPECT_PMEM2_OK(pmem2_map_delete(&b));
	EXPECT_PMEM2_OK(pmem2_map_delete(&c));
}

TEST(map_from_existing, bad_arguments)
{
	source_ptr src;
	ASSERT_EQ(pmem2_source_from_anon(&src, 4 * KiB), 0);
	static char area[4096];
	pmem2_map *map = nullptr;
	EXPECT_PMEM2_FAIL(pmem2_map_from_existing(nullptr, src, area, 1, PMEM2_GRANULARITY_PAGE),
	                  -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_map_from_existing(&map, nullptr, area, 1, PMEM2_GRANULARITY_PAGE),
	                  -EINVAL);
	EXPECT_PMEM2_FAIL(
	    pmem2_map_from_existing(&map, src, area, 1, static_cast<pmem2_granularity>(3)),
	    PMEM2_E_GRANULARITY_NOT_SUPPORTED);
	EXPECT_EQ(map, nullptr);
}
