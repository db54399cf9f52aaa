/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2_deep_flush: the range check (including ranges that wrap around),
 * every granularity on a file, anonymous memory, and the data reaching the
 * file.
 */
#include "pmem2_test.hpp"

#include <cstdint>
#include <sys/mman.h>

using namespace pmem2_test;

namespace
{

void check_ranges(pmem2_map *map)
{
	char *p = static_cast<char *>(pmem2_map_get_address(map));
	size_t n = pmem2_map_get_size(map);
	EXPECT_PMEM2_OK(pmem2_deep_flush(map, p, n));
	EXPECT_PMEM2_OK(pmem2_deep_flush(map, p + 100, 1));
	EXPECT_PMEM2_OK(pmem2_deep_flush(map, p + 4097, 5000)); /* unaligned */
	EXPECT_PMEM2_OK(pmem2_deep_flush(map, p, 0));
	EXPECT_PMEM2_OK(pmem2_deep_flush(map, p + n, 0));
	EXPECT_PMEM2_OK(pmem2_deep_flush(map, p + n - 1, 1));
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(map, p - 1, 1), PMEM2_E_DEEP_FLUSH_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(map, p + n, 1), PMEM2_E_DEEP_FLUSH_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(map, p + n - 4096, 8192), PMEM2_E_DEEP_FLUSH_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(map, nullptr, 1), PMEM2_E_DEEP_FLUSH_RANGE);
	/* p + 8 + SIZE_MAX wraps around to p + 7: still not inside the map */
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(map, p + 8, SIZE_MAX), PMEM2_E_DEEP_FLUSH_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(map, p + n + 1, SIZE_MAX), PMEM2_E_DEEP_FLUSH_RANGE);
}

} // namespace

TEST(deep_flush, every_granularity_on_a_file)
{
	for (const char *forced : {"BYTE", "CACHE_LINE", "PAGE"}) {
		SCOPED_TRACE(forced);
		force_granularity force(forced);
		scratch_file f(64 * KiB);
		source_ptr src;
		make_source(src, f.fd());
		config_ptr cfg(PMEM2_GRANULARITY_PAGE);
		map_ptr map;
		ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
		std::memcpy(map.addr() + 5000, "durable", 7);
		EXPECT_PMEM2_OK(pmem2_deep_flush(map, map.addr() + 5000, 7));
		char buf[7];
		ASSERT_EQ(pread(f.fd(), buf, 7, 5000), 7);
		EXPECT_EQ(std::memcmp(buf, "durable", 7), 0);
		check_ranges(map);
	}
}

TEST(deep_flush, private_file_mapping)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_BYTE);
	pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
	map_ptr map;
	ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
	check_ranges(map);
}

TEST(deep_flush, anonymous_is_not_supported)
{
	source_ptr src;
	ASSERT_EQ(pmem2_source_from_anon(&src, 64 * KiB), 0);
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	map_ptr map;
	ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(map, map.addr(), 64 * KiB), PMEM2_E_NOSUPP);
	/* the range is checked first */
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(map, map.addr() + 64 * KiB, 1),
	                  PMEM2_E_DEEP_FLUSH_RANGE);
}

TEST(deep_flush, user_mapping_described_by_from_existing)
{
	scratch_file f(16 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	void *mine = mmap(nullptr, 16 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd(), 0);
	ASSERT_NE(mine, MAP_FAILED);
	pmem2_map *map = nullptr;
	ASSERT_EQ(pmem2_map_from_existing(&map, src, mine, 16 * KiB, PMEM2_GRANULARITY_PAGE), 0);
	EXPECT_PMEM2_OK(pmem2_deep_flush(map, mine, 16 * KiB));
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(map, static_cast<char *>(mine) + 16 * KiB, 1),
	                  PMEM2_E_DEEP_FLUSH_RANGE);
	EXPECT_EQ(pmem2_map_delete(&map), 0);
	munmap(mine, 16 * KiB);
}

TEST(deep_flush, null_map)
{
	char c;
	EXPECT_PMEM2_FAIL(pmem2_deep_flush(nullptr, &c, 1), -EINVAL);
}
