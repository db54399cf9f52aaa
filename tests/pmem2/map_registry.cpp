/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The registry of live maps (src/pmem2/map_registry.hpp): overlap
 * rejection, lookups, walking the mapped parts of a range, and concurrent
 * use.
 */
#include "pmem2_test.hpp"

#include "pmem2/map.hpp"
#include "pmem2/map_registry.hpp"

#include <thread>
#include <utility>
#include <vector>

using namespace masync::pmem2;

namespace
{

pmem2_map fake(uintptr_t addr, size_t len)
{
	pmem2_map m{};
	m.addr = reinterpret_cast<void *>(addr);
	m.content_length = len;
	return m;
}

struct part {
	pmem2_map *map;
	uintptr_t addr;
	size_t len;
};

void collect(void *ctx, pmem2_map *map, void *p, size_t len)
{
	static_cast<std::vector<part> *>(ctx)->push_back(
	    {map, reinterpret_cast<uintptr_t>(p), len});
}

} // namespace

TEST(map_registry, overlap_rules)
{
	auto a = fake(0x10000, 0x1000);
	ASSERT_EQ(registry_add(&a), 0);
	for (auto [addr, len] : std::vector<std::pair<uintptr_t, size_t>>{{0x10000, 0x1000},
	                                                                  {0x10fff, 1},
	                                                                  {0xf000, 0x1001},
	                                                                  {0x8000, 0x10000},
	                                                                  {0x10800, 0x10}}) {
		auto b = fake(addr, len);
		EXPECT_EQ(registry_add(&b), PMEM2_E_MAPPING_EXISTS)
		    << std::hex << addr << "+" << len;
	}
	auto before = fake(0xf000, 0x1000), after = fake(0x11000, 0x1000);
	EXPECT_EQ(registry_add(&before), 0);
	EXPECT_EQ(registry_add(&after), 0);
	EXPECT_EQ(registry_size(), 3u);

	EXPECT_EQ(registry_find(reinterpret_cast<void *>(0x10000)), &a);
	EXPECT_EQ(registry_find(reinterpret_cast<void *>(0x10fff)), &a);
	EXPECT_EQ(registry_find(reinterpret_cast<void *>(0x11000)), &after);
	EXPECT_EQ(registry_find(reinterpret_cast<void *>(0xefff)), nullptr);
	EXPECT_EQ(registry_find(reinterpret_cast<void *>(0x12000)), nullptr);

	EXPECT_EQ(registry_remove(&a), 0);
	EXPECT_EQ(registry_remove(&a), PMEM2_E_MAPPING_NOT_FOUND);
	auto imposter = fake(0xf000, 0x1000); /* same range, different object */
	EXPECT_EQ(registry_remove(&imposter), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(registry_remove(&before), 0);
	EXPECT_EQ(registry_remove(&after), 0);
	EXPECT_EQ(registry_size(), 0u);
}

TEST(map_registry, zero_length_maps_overlap_nothing)
{
	auto a = fake(0x20000, 0x1000);
	auto z1 = fake(0x20000, 0), z2 = fake(0x20000, 0), z3 = fake(0x20800, 0);
	ASSERT_EQ(registry_add(&a), 0);
	EXPECT_EQ(registry_add(&z1), 0);
	EXPECT_EQ(registry_add(&z2), 0);
	EXPECT_EQ(registry_add(&z3), 0);
	EXPECT_EQ(registry_find(reinterpret_cast<void *>(0x20800)), &a);
	EXPECT_EQ(registry_remove(&z1), 0);
	EXPECT_EQ(registry_remove(&z1), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(registry_remove(&z2), 0);
	EXPECT_EQ(registry_remove(&z3), 0);
	EXPECT_EQ(registry_remove(&a), 0);
}

TEST(map_registry, mapped_parts_of_a_range)
{
	auto a = fake(0x100000, 0x2000), b = fake(0x103000, 0x1000), c = fake(0x105000, 0x3000);
	ASSERT_EQ(registry_add(&a), 0);
	ASSERT_EQ(registry_add(&b), 0);
	ASSERT_EQ(registry_add(&c), 0);

	std::vector<part> parts;
	/* from the middle of a to the middle of c */
	EXPECT_EQ(for_each_mapped_part(reinterpret_cast<void *>(0x101000), 0x5800, collect, &parts),
	          3u);
	ASSERT_EQ(parts.size(), 3u);
	EXPECT_EQ(parts[0].map, &a);
	EXPECT_EQ(parts[0].addr, 0x101000u);
	EXPECT_EQ(parts[0].len, 0x1000u);
	EXPECT_EQ(parts[1].map, &b);
	EXPECT_EQ(parts[1].addr, 0x103000u);
	EXPECT_EQ(parts[1].len, 0x1000u);
	EXPECT_EQ(parts[2].map, &c);
	EXPECT_EQ(parts[2].addr, 0x105000u);
	EXPECT_EQ(parts[2].len, 0x1800u);

	/* a hole between maps has no parts; zero length has none either */
	parts.clear();
	EXPECT_EQ(for_each_mapped_part(reinterpret_cast<void *>(0x102000), 0x1000, collect, &parts),
	          0u);
	EXPECT_EQ(for_each_mapped_part(reinterpret_cast<void *>(0x100000), 0, collect, &parts), 0u);
	/* a range that wraps around is clipped, not misread */
	EXPECT_EQ(
	    for_each_mapped_part(reinterpret_cast<void *>(0x107000), SIZE_MAX, collect, &parts),
	    1u);
	ASSERT_EQ(parts.size(), 1u);
	EXPECT_EQ(parts[0].addr, 0x107000u);
	EXPECT_EQ(parts[0].len, 0x1000u);

	EXPECT_EQ(registry_remove(&a), 0);
	EXPECT_EQ(registry_remove(&b), 0);
	EXPECT_EQ(registry_remove(&c), 0);
}

/* Many threads adding, finding and removing disjoint ranges at once. */
TEST(map_registry, concurrent_use)
{
	constexpr int threads = 4, per_thread = 500;
	std::vector<std::thread> ts;
	for (int t = 0; t < threads; ++t)
		ts.emplace_back([t] {
			std::vector<pmem2_map> maps(per_thread);
			for (int i = 0; i < per_thread; ++i) {
				maps[i] =
				    fake(0x40000000u + (t * per_thread + i) * 0x1000u, 0x1000);
				ASSERT_EQ(registry_add(&maps[i]), 0);
			}
			for (int i = 0; i < per_thread; ++i)
				ASSERT_EQ(registry_find(static_cast<char *>(maps[i].addr) + 5),
				          &maps[i]);
			for (int i = 0; i < per_thread; ++i)
				ASSERT_EQ(registry_remove(&maps[i]), 0);
		});
	for (auto &t : ts)
		t.join();
	EXPECT_EQ(registry_size(), 0u);
}
