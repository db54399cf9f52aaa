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

#include <atomic>
#include <cstdint>
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

/*
 * Lookups take no lock: while one thread adds and removes maps (each change
 * publishes a new snapshot and frees the old one), lookups on other threads
 * always see a consistent registry: a map that stays registered is always
 * found, a map coming and going is found only inside its own range, and
 * every part a walk visits lies inside the map it names. Run under TSan and
 * ASan, a snapshot freed while a lookup still reads it is reported.
 */
TEST(map_registry, lookups_race_with_add_and_remove)
{
	constexpr std::uintptr_t base = 0x60000000u, step = 0x1000;
	constexpr int churn = 8, rounds = 100;
	pmem2_map stable = fake(base, step);
	ASSERT_EQ(registry_add(&stable), 0);
	std::vector<pmem2_map> maps(churn);
	for (int i = 0; i < churn; ++i)
		maps[i] = fake(base + (2 * i + 2) * step, step);
	const std::uintptr_t end = base + (2 * churn + 2) * step;

	std::atomic<bool> done{false};
	std::atomic<int> walks{0};
	auto lookups = [&] {
		while (!done.load(std::memory_order_acquire)) {
			ASSERT_EQ(registry_find(reinterpret_cast<void *>(base + 8)), &stable);
			for (int i = 0; i < churn; ++i) {
				auto a = reinterpret_cast<std::uintptr_t>(maps[i].addr) + 16;
				pmem2_map *m = registry_find(reinterpret_cast<void *>(a));
				ASSERT_TRUE(m == nullptr || m == &maps[i]);
			}
			std::vector<part> parts;
			for_each_mapped_part(reinterpret_cast<void *>(base), end - base, collect,
			                     &parts);
			ASSERT_FALSE(parts.empty());
			ASSERT_EQ(parts[0].map, &stable);
			for (auto &p : parts) {
				auto b = reinterpret_cast<std::uintptr_t>(p.map->addr);
				ASSERT_GE(p.addr, b);
				ASSERT_LE(p.addr + p.len, b + p.map->content_length);
			}
			walks.fetch_add(1, std::memory_order_relaxed);
		}
	};
	std::thread r1(lookups), r2(lookups);
	/* Changes go on until the lookups have run a while alongside them. */
	for (int r = 0; r < rounds || walks.load(std::memory_order_relaxed) < 2 * rounds; ++r) {
		for (auto &m : maps)
			ASSERT_EQ(registry_add(&m), 0);
		for (auto &m : maps)
			ASSERT_EQ(registry_remove(&m), 0);
	}
	done.store(true, std::memory_order_release);
	r1.join();
	r2.join();
	EXPECT_EQ(registry_remove(&stable), 0);
	EXPECT_EQ(registry_size(), 0u);
}

/*
 * The same through the API: PAGE-granularity persists (msync of the parts
 * the registry finds) on one map while another thread makes and deletes
 * maps of a second file.
 */
TEST(map_registry, page_persists_race_with_map_new_and_delete)
{
	using namespace pmem2_test;
	force_granularity page_gran("PAGE");
	scratch_file f1(64 * KiB), f2(64 * KiB);
	source_ptr s1, s2;
	make_source(s1, f1.fd());
	make_source(s2, f2.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	map_ptr m1;
	ASSERT_EQ(pmem2_map_new(&m1, cfg, s1), 0) << pmem2_errormsg();
	ASSERT_EQ(pmem2_map_get_store_granularity(m1), PMEM2_GRANULARITY_PAGE);

	std::atomic<bool> done{false};
	std::atomic<int> persists{0};
	std::thread persister([&] {
		auto persist = pmem2_get_persist_fn(m1);
		auto memset_fn = pmem2_get_memset_fn(m1);
		while (!done.load(std::memory_order_acquire)) {
			memset_fn(m1.addr(), 1, 4096, PMEM2_F_MEM_NOFLUSH);
			persist(m1.addr(), 64 * KiB);
			persists.fetch_add(1, std::memory_order_relaxed);
		}
	});
	for (int i = 0; i < 100 || persists.load(std::memory_order_relaxed) < 100; ++i) {
		pmem2_map *m2 = nullptr;
		ASSERT_EQ(pmem2_map_new(&m2, cfg, s2), 0) << pmem2_errormsg();
		ASSERT_EQ(pmem2_map_delete(&m2), 0) << pmem2_errormsg();
	}
	done.store(true, std::memory_order_release);
	persister.join();
	EXPECT_EQ(m1.addr()[100], 1);
}
