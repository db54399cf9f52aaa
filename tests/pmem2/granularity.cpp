/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Store granularity: PMEM2_FORCE_GRANULARITY parsing and precedence, the
 * rules for private and anonymous mappings, and that maps made under every
 * forced value get the memory functions of that granularity.
 */
#include "pmem2_test.hpp"

#include "pmem2/granularity.hpp"
#include "pmem2/map.hpp"

using namespace pmem2_test;
using masync::pmem2::effective_granularity;
using masync::pmem2::granularity_inputs;

TEST(granularity, parse_accepts_the_documented_values_in_any_case)
{
	pmem2_granularity g;
	struct {
		const char *text;
		pmem2_granularity want;
	} ok[] = {{"BYTE", PMEM2_GRANULARITY_BYTE},
	          {"byte", PMEM2_GRANULARITY_BYTE},
	          {"CACHE_LINE", PMEM2_GRANULARITY_CACHE_LINE},
	          {"Cache_Line", PMEM2_GRANULARITY_CACHE_LINE},
	          {"CACHELINE", PMEM2_GRANULARITY_CACHE_LINE},
	          {"cacheline", PMEM2_GRANULARITY_CACHE_LINE},
	          {"PAGE", PMEM2_GRANULARITY_PAGE},
	          {"pAgE", PMEM2_GRANULARITY_PAGE}};
	for (auto &c : ok) {
		ASSERT_TRUE(masync::pmem2::parse_granularity(c.text, &g)) << c.text;
		EXPECT_EQ(g, c.want) << c.text;
	}
	for (const char *bad : {"", "BYTES", "CACHE LINE", "2", " PAGE", "PAGE "})
		EXPECT_FALSE(masync::pmem2::parse_granularity(bad, &g)) << bad;
	EXPECT_FALSE(masync::pmem2::parse_granularity(nullptr, &g));
}

TEST(granularity, rules)
{
	force_granularity none(nullptr);
	granularity_inputs in{};
	EXPECT_EQ(effective_granularity(in), PMEM2_GRANULARITY_PAGE);
	in.map_sync = true;
	/* no NVDIMM regions here: no eADR, so MAP_SYNC means CACHE_LINE */
	EXPECT_FALSE(masync::pmem2::platform_flushes_cpu_caches());
	EXPECT_EQ(effective_granularity(in), PMEM2_GRANULARITY_CACHE_LINE);
	in = {};
	in.is_private = true;
	EXPECT_EQ(effective_granularity(in), PMEM2_GRANULARITY_BYTE);
	in = {};
	in.anonymous = true;
	EXPECT_EQ(effective_granularity(in), PMEM2_GRANULARITY_BYTE);
}

TEST(granularity, forcing_applies_to_shared_files_only)
{
	force_granularity force("PAGE");
	granularity_inputs in{};
	in.map_sync = true;
	EXPECT_EQ(effective_granularity(in), PMEM2_GRANULARITY_PAGE);
	in.is_private = true;
	EXPECT_EQ(effective_granularity(in), PMEM2_GRANULARITY_BYTE);
	in = {};
	in.anonymous = true;
	EXPECT_EQ(effective_granularity(in), PMEM2_GRANULARITY_BYTE);
}

TEST(granularity, unknown_forced_value_is_ignored)
{
	force_granularity force("SOMETIMES");
	EXPECT_EQ(effective_granularity(granularity_inputs{}), PMEM2_GRANULARITY_PAGE);
}

namespace
{

/* Maps a /dev/shm file requiring `required` under PMEM2_FORCE_GRANULARITY=forced. */
int map_with(const char *forced, pmem2_granularity required, pmem2_granularity *got,
             bool check_memops = true)
{
	force_granularity force(forced);
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(required);
	map_ptr map;
	int ret = pmem2_map_new(&map, cfg, src);
	if (ret)
		return ret;
	*got = pmem2_map_get_store_granularity(map);
	if (check_memops) {
		/* whatever the granularity, the functions store and persist correctly */
		pmem2_get_memcpy_fn(map)(map.addr(), "0123456789", 10, 0);
		pmem2_get_memmove_fn(map)(map.addr() + 2, map.addr(), 4, PMEM2_F_MEM_NODRAIN);
		pmem2_get_memset_fn(map)(map.addr() + 8, 'z', 2, PMEM2_F_MEM_NOFLUSH);
		pmem2_get_persist_fn(map)(map.addr(), 10);
		pmem2_get_flush_fn(map)(map.addr(), 10);
		pmem2_get_drain_fn(map)();
		char buf[10];
		EXPECT_EQ(pread(f.fd(), buf, 10, 0), 10);
		EXPECT_EQ(std::memcmp(buf, "01012367zz", 10), 0) << forced;
	}
	return 0;
}

} // namespace

TEST(granularity, every_forced_value_on_a_file)
{
	pmem2_granularity got;
	struct {
		const char *forced;
		pmem2_granularity want;
	} cases[] = {{"BYTE", PMEM2_GRANULARITY_BYTE},
	             {"cache_line", PMEM2_GRANULARITY_CACHE_LINE},
	             {"CacheLine", PMEM2_GRANULARITY_CACHE_LINE},
	             {"page", PMEM2_GRANULARITY_PAGE}};
	for (auto &c : cases) {
		ASSERT_EQ(map_with(c.forced, PMEM2_GRANULARITY_PAGE, &got), 0) << c.forced;
		EXPECT_EQ(got, c.want) << c.forced;
		/* a requirement finer than what is forced fails */
		for (int req = 0; req < c.want; ++req)
			EXPECT_EQ(
			    map_with(c.forced, static_cast<pmem2_granularity>(req), &got, false),
			    PMEM2_E_GRANULARITY_NOT_SUPPORTED)
			    << c.forced << " required " << req;
		/* and one as coarse or coarser succeeds */
		for (int req = c.want; req <= PMEM2_GRANULARITY_PAGE; ++req)
			EXPECT_EQ(
			    map_with(c.forced, static_cast<pmem2_granularity>(req), &got, false), 0)
			    << c.forced << " required " << req;
	}
}

TEST(granularity, read_at_every_map_new)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	{
		force_granularity force("BYTE");
		map_ptr map;
		ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0);
		EXPECT_EQ(pmem2_map_get_store_granularity(map), PMEM2_GRANULARITY_BYTE);
	}
	{
		force_granularity force("CACHE_LINE");
		map_ptr map;
		ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0);
		EXPECT_EQ(pmem2_map_get_store_granularity(map), PMEM2_GRANULARITY_CACHE_LINE);
	}
}
