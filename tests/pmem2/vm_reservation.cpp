/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Virtual-memory reservations: creation and deletion, maps placed inside
 * (several, found first/last/next/prev/by range), extend and shrink around
 * maps, deletion refused while maps remain, every error code, and two
 * threads racing for the same place.
 */
#include "pmem2_test.hpp"

#include "pmem2/map.hpp"

#include <atomic>
#include <cstdint>
#include <sys/mman.h>
#include <thread>
#include <vector>

using namespace pmem2_test;

namespace
{

struct rsv_ptr {
	pmem2_vm_reservation *p = nullptr;
	rsv_ptr() = default;
	rsv_ptr(const rsv_ptr &) = delete;
	~rsv_ptr()
	{
		if (p) {
			EXPECT_EQ(pmem2_vm_reservation_delete(&p), 0) << pmem2_errormsg();
		}
	}
	pmem2_vm_reservation **operator&() { return &p; }
	operator pmem2_vm_reservation *() const { return p; }
	char *addr() const { return static_cast<char *>(pmem2_vm_reservation_get_address(p)); }
};

/* True when [addr, addr + len) is entirely free address space. */
bool is_free(void *addr, size_t len)
{
	void *p =
	    mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	munmap(p, len);
	return p == addr;
}

/* Maps length bytes of src at rsv_offset in rsv. */
int map_at(pmem2_map **map, pmem2_vm_reservation *rsv, size_t rsv_offset, size_t length,
           const pmem2_source *src)
{
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_length(cfg, length);
	EXPECT_EQ(pmem2_config_set_vm_reservation(cfg, rsv, rsv_offset), 0);
	return pmem2_map_new(map, cfg, src);
}

size_t offset_in(pmem2_vm_reservation *rsv, pmem2_map *map)
{
	return static_cast<size_t>(static_cast<char *>(pmem2_map_get_address(map)) -
	                           static_cast<char *>(pmem2_vm_reservation_get_address(rsv)));
}

} // namespace

TEST(vm_reservation, new_and_delete)
{
	rsv_ptr rsv;
	EXPECT_PMEM2_OK(pmem2_vm_reservation_new(&rsv, nullptr, 16 * MiB));
	ASSERT_NE(rsv.p, nullptr);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), 16 * MiB);
	char *a = rsv.addr();
	EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % (2 * MiB), 0u) << "large reservations are "
	                                                             "2 MiB aligned";
	EXPECT_FALSE(is_free(a, page()));
	EXPECT_FALSE(is_free(a + 16 * MiB - page(), page()));
	/* the range is taken: not even a reservation can overlap it */
	pmem2_vm_reservation *other = nullptr;
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_new(&other, a + 4 * KiB, 4 * KiB),
	                  PMEM2_E_MAPPING_EXISTS);
	EXPECT_EQ(other, nullptr);
	EXPECT_PMEM2_OK(pmem2_vm_reservation_delete(&rsv));
	EXPECT_EQ(rsv.p, nullptr);
	EXPECT_TRUE(is_free(a, 16 * MiB));

	/* at a chosen address: exactly that range */
	EXPECT_PMEM2_OK(pmem2_vm_reservation_new(&rsv, a, 4 * MiB));
	EXPECT_EQ(rsv.addr(), a);
	EXPECT_TRUE(is_free(a + 4 * MiB, 4 * KiB));
}

TEST(vm_reservation, new_errors)
{
	pmem2_vm_reservation *rsv = reinterpret_cast<pmem2_vm_reservation *>(&rsv);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_new(&rsv, nullptr, 4 * KiB + 1),
	                  PMEM2_E_LENGTH_UNALIGNED);
	EXPECT_EQ(rsv, nullptr);
	/* the address is checked first */
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_new(&rsv, reinterpret_cast<void *>(0x1001), 1),
	                  PMEM2_E_ADDRESS_UNALIGNED);
	/* over memory the program mapped */
	void *mine = mmap(nullptr, 64 * KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_new(&rsv, mine, 64 * KiB), PMEM2_E_MAPPING_EXISTS);
	/* ... even when only its last page is in the way */
	EXPECT_PMEM2_FAIL(
	    pmem2_vm_reservation_new(&rsv, static_cast<char *>(mine) - 60 * KiB, 64 * KiB),
	    PMEM2_E_MAPPING_EXISTS);
	munmap(mine, 64 * KiB);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_new(nullptr, nullptr, 4 * KiB), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_delete(nullptr), -EINVAL);
	rsv = nullptr;
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_delete(&rsv), -EINVAL);
	EXPECT_EQ(pmem2_vm_reservation_get_address(nullptr), nullptr);
	EXPECT_EQ(pmem2_vm_reservation_get_size(nullptr), 0u);
	EXPECT_STRNE(pmem2_errormsg(), "");
}

TEST(vm_reservation, empty_then_extended)
{
	rsv_ptr rsv;
	EXPECT_PMEM2_OK(pmem2_vm_reservation_new(&rsv, nullptr, 0));
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), 0u);
	EXPECT_PMEM2_OK(pmem2_vm_reservation_extend(rsv, 64 * KiB));
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), 64 * KiB);
	EXPECT_FALSE(is_free(rsv.addr(), 64 * KiB));
}

/* Several maps in one reservation, and every way of finding them. */
TEST(vm_reservation, layout_and_lookups)
{
	scratch_file f(64 * KiB);
	ASSERT_EQ(pwrite(f.fd(), "third", 5, 16 * KiB), 5);
	source_ptr src;
	make_source(src, f.fd());
	rsv_ptr rsv;
	ASSERT_EQ(pmem2_vm_reservation_new(&rsv, nullptr, MiB), 0);

	map_ptr m0, m1, m2, m3;
	ASSERT_EQ(map_at(&m0, rsv, 0, 16 * KiB, src), 0) << pmem2_errormsg();
	ASSERT_EQ(map_at(&m1, rsv, 512 * KiB, 16 * KiB, src), 0) << pmem2_errormsg();
	{
		config_ptr cfg(PMEM2_GRANULARITY_PAGE);
		pmem2_config_set_offset(cfg, 16 * KiB);
		pmem2_config_set_length(cfg, 16 * KiB);
		pmem2_config_set_vm_reservation(cfg, rsv, 64 * KiB);
		ASSERT_EQ(pmem2_map_new(&m2, cfg, src), 0) << pmem2_errormsg();
	}
	ASSERT_EQ(map_at(&m3, rsv, MiB - 16 * KiB, 16 * KiB, src), 0) << pmem2_errormsg();

	EXPECT_EQ(offset_in(rsv, m0), 0u);
	EXPECT_EQ(offset_in(rsv, m1), 512 * KiB);
	EXPECT_EQ(offset_in(rsv, m2), 64 * KiB);
	EXPECT_EQ(offset_in(rsv, m3), MiB - 16 * KiB);
	EXPECT_EQ(std::memcmp(m2.addr(), "third", 5), 0);

	pmem2_map *found = nullptr;
	EXPECT_PMEM2_OK(pmem2_vm_reservation_map_find_first(rsv, &found));
	EXPECT_EQ(found, m0.p);
	EXPECT_PMEM2_OK(pmem2_vm_reservation_map_find_last(rsv, &found));
	EXPECT_EQ(found, m3.p);
	/* walk forwards and backwards in address order */
	std::vector<pmem2_map *> order;
	for (pmem2_map *m = m0.p; m;) {
		order.push_back(m);
		if (pmem2_vm_reservation_map_find_next(rsv, m, &m) != 0) {
			EXPECT_EQ(m, nullptr);
			EXPECT_STRNE(pmem2_errormsg(), "");
		}
	}
	EXPECT_EQ(order, (std::vector<pmem2_map *>{m0.p, m2.p, m1.p, m3.p}));
	order.clear();
	for (pmem2_map *m = m3.p; m;) {
		order.push_back(m);
		if (pmem2_vm_reservation_map_find_prev(rsv, m, &m) != 0) {
			EXPECT_EQ(m, nullptr);
		}
	}
	EXPECT_EQ(order, (std::vector<pmem2_map *>{m3.p, m1.p, m2.p, m0.p}));

	/* by range: the earliest map intersecting it */
	EXPECT_PMEM2_OK(pmem2_vm_reservation_map_find(rsv, 8 * KiB, 100 * KiB, &found));
	EXPECT_EQ(found, m0.p);
	EXPECT_PMEM2_OK(pmem2_vm_reservation_map_find(rsv, 16 * KiB, 100 * KiB, &found));
	EXPECT_EQ(found, m2.p);
	EXPECT_PMEM2_OK(pmem2_vm_reservation_map_find(rsv, 4 * KiB, 0, &found));
	EXPECT_EQ(found, m0.p) << "a zero-length range finds the map containing it";
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_map_find(rsv, 16 * KiB, 48 * KiB, &found),
	                  PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(found, nullptr);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_map_find(rsv, 80 * KiB, 0, &found),
	                  PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_map_find(rsv, 2 * MiB, 4 * KiB, &found),
	                  PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_map_find(rsv, SIZE_MAX, 1, &found),
	                  PMEM2_E_MAPPING_NOT_FOUND);

	/* a map of another reservation (or none) is not found in this one */
	map_ptr outside;
	{
		config_ptr cfg(PMEM2_GRANULARITY_PAGE);
		ASSERT_EQ(pmem2_map_new(&outside, cfg, src), 0);
	}
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_map_find_next(rsv, outside, &found),
	                  PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_map_find_prev(rsv, outside, &found),
	                  PMEM2_E_MAPPING_NOT_FOUND);

	/* a reservation with maps cannot be deleted */
	pmem2_vm_reservation *keep = rsv.p;
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_delete(&rsv), PMEM2_E_VM_RESERVATION_NOT_EMPTY);
	EXPECT_EQ(rsv.p, keep);

	/* deleting a map gives its place back, still reserved */
	char *m0_addr = m0.addr();
	ASSERT_EQ(pmem2_map_delete(&m0), 0);
	EXPECT_FALSE(is_free(m0_addr, 16 * KiB)) << "the reservation must keep holding it";
	EXPECT_PMEM2_OK(pmem2_vm_reservation_map_find_first(rsv, &found));
	EXPECT_EQ(found, m2.p);
	ASSERT_EQ(map_at(&m0, rsv, 0, 8 * KiB, src), 0) << pmem2_errormsg();
	EXPECT_EQ(m0.addr(), m0_addr);
	/* maps are deleted (in reverse order) before the reservation by the helpers */
}

TEST(vm_reservation, map_errors)
{
	scratch_file f(4 * MiB);
	source_ptr src;
	make_source(src, f.fd());
	rsv_ptr rsv;
	ASSERT_EQ(pmem2_vm_reservation_new(&rsv, nullptr, 8 * MiB), 0);
	pmem2_map *map = nullptr;

	EXPECT_PMEM2_FAIL(map_at(&map, rsv, 100, 0, src), PMEM2_E_OFFSET_UNALIGNED);
	EXPECT_PMEM2_FAIL(map_at(&map, rsv, 6 * MiB, 0, src), PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(map_at(&map, rsv, 8 * MiB, 4 * KiB, src), PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(map_at(&map, rsv, SIZE_MAX & ~(page() - 1), 4 * KiB, src),
	                  PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_EQ(map, nullptr);

	/* a 4 MiB map at a page-aligned (not 2 MiB-aligned) offset is fine for a file */
	{
		map_ptr big;
		EXPECT_PMEM2_OK(map_at(&big, rsv, 4 * KiB, 0, src));
		EXPECT_EQ(offset_in(rsv, big), 4 * KiB);
		/* overlapping places are taken */
		EXPECT_PMEM2_FAIL(map_at(&map, rsv, 0, 8 * KiB, src), PMEM2_E_MAPPING_EXISTS);
		EXPECT_PMEM2_FAIL(map_at(&map, rsv, 4 * MiB, 4 * KiB, src), PMEM2_E_MAPPING_EXISTS);
		/* right after it is free */
		map_ptr next;
		EXPECT_PMEM2_OK(map_at(&next, rsv, 4 * MiB + 4 * KiB, 4 * KiB, src));
	}

	/* a mapping refused for its granularity leaves the place reserved and free */
	{
		config_ptr cfg(PMEM2_GRANULARITY_BYTE);
		pmem2_config_set_vm_reservation(cfg, rsv, 0);
		force_granularity none(nullptr);
		EXPECT_PMEM2_FAIL(pmem2_map_new(&map, cfg, src), PMEM2_E_GRANULARITY_NOT_SUPPORTED);
		EXPECT_FALSE(is_free(rsv.addr(), 4 * MiB));
		map_ptr again;
		EXPECT_PMEM2_OK(map_at(&again, rsv, 0, 0, src));
	}

	/* anonymous memory in a reservation */
	source_ptr anon;
	ASSERT_EQ(pmem2_source_from_anon(&anon, 64 * KiB), 0);
	map_ptr a;
	EXPECT_PMEM2_OK(map_at(&a, rsv, 64 * KiB, 0, anon));
	EXPECT_EQ(offset_in(rsv, a), 64 * KiB);
	a.addr()[0] = 1;
	EXPECT_EQ(pmem2_config_set_vm_reservation(nullptr, rsv, 0), -EINVAL);
}

TEST(vm_reservation, extend_and_shrink_around_maps)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	/* a known free area: the reservation starts it */
	char *area = static_cast<char *>(
	    mmap(nullptr, 32 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	munmap(area, 32 * MiB);
	rsv_ptr rsv;
	ASSERT_EQ(pmem2_vm_reservation_new(&rsv, area, 256 * KiB), 0) << pmem2_errormsg();
	map_ptr m;
	ASSERT_EQ(map_at(&m, rsv, 128 * KiB, 16 * KiB, src), 0) << pmem2_errormsg();
	m.addr()[0] = 'q';

	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_extend(rsv, 4 * KiB + 1), PMEM2_E_LENGTH_UNALIGNED);
	EXPECT_PMEM2_OK(pmem2_vm_reservation_extend(rsv, 0));
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), 256 * KiB);
	EXPECT_PMEM2_OK(pmem2_vm_reservation_extend(rsv, 64 * KiB));
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), 320 * KiB);
	EXPECT_EQ(rsv.addr(), area);
	EXPECT_FALSE(is_free(area + 256 * KiB, 64 * KiB));
	EXPECT_EQ(m.addr()[0], 'q');
	{
		map_ptr ext;
		EXPECT_PMEM2_OK(map_at(&ext, rsv, 300 * KiB, 16 * KiB, src));
	}

	/* extending into someone else's mapping fails and changes nothing */
	void *blocker = mmap(area + 320 * KiB + MiB, 4 * KiB, PROT_READ,
	                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ(blocker, area + 320 * KiB + MiB);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_extend(rsv, 2 * MiB), PMEM2_E_MAPPING_EXISTS);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), 320 * KiB);
	EXPECT_TRUE(is_free(area + 320 * KiB, MiB)) << "a failed extension left something behind";
	munmap(blocker, 4 * KiB);

	size_t size = 320 * KiB;
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(rsv, 1, 4 * KiB), PMEM2_E_OFFSET_UNALIGNED);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(rsv, 0, 1), PMEM2_E_LENGTH_UNALIGNED);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(rsv, size, 4 * KiB),
	                  PMEM2_E_OFFSET_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(rsv, 0, 0), PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(rsv, size - 4 * KiB, 8 * KiB),
	                  PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(rsv, 8 * KiB, 4 * KiB), PMEM2_E_NOSUPP);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(rsv, 0, size), PMEM2_E_NOSUPP);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(rsv, 0, 132 * KiB),
	                  PMEM2_E_VM_RESERVATION_NOT_EMPTY);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(rsv, 140 * KiB, size - 140 * KiB),
	                  PMEM2_E_VM_RESERVATION_NOT_EMPTY);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), size) << "a failed shrink changed the size";

	/* from the start: the reservation moves, the map stays where it is */
	EXPECT_PMEM2_OK(pmem2_vm_reservation_shrink(rsv, 0, 64 * KiB));
	EXPECT_EQ(rsv.addr(), area + 64 * KiB);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), 256 * KiB);
	EXPECT_TRUE(is_free(area, 64 * KiB));
	EXPECT_EQ(offset_in(rsv, m), 64 * KiB);
	EXPECT_EQ(m.p->reserv_offset, 64 * KiB);
	EXPECT_EQ(m.addr()[0], 'q');
	/* from the end, up to the map */
	EXPECT_PMEM2_OK(pmem2_vm_reservation_shrink(rsv, 80 * KiB, 176 * KiB));
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), 80 * KiB);
	EXPECT_TRUE(is_free(area + 144 * KiB, 176 * KiB));
	pmem2_map *found = nullptr;
	EXPECT_PMEM2_OK(pmem2_vm_reservation_map_find(rsv, 64 * KiB, 4 * KiB, &found));
	EXPECT_EQ(found, m.p);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_extend(nullptr, 4 * KiB), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_vm_reservation_shrink(nullptr, 0, 4 * KiB), -EINVAL);
}

/* Threads racing for the same places: each place goes to exactly one map. */
TEST(vm_reservation, concurrent_placement)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	rsv_ptr rsv;
	ASSERT_EQ(pmem2_vm_reservation_new(&rsv, nullptr, 64 * 16 * KiB), 0);
	constexpr int threads = 4, places = 64;
	std::vector<pmem2_map *> won[threads];
	std::atomic<int> lost{0};
	std::vector<std::thread> ts;
	for (int t = 0; t < threads; ++t)
		ts.emplace_back([&, t] {
			for (int i = 0; i < places; ++i) {
				pmem2_map *m = nullptr;
				int ret = map_at(&m, rsv, static_cast<size_t>(i) * 16 * KiB,
				                 16 * KiB, src);
				if (ret == 0)
					won[t].push_back(m);
				else if (ret == PMEM2_E_MAPPING_EXISTS)
					++lost;
				else
					ADD_FAILURE() << ret << " " << pmem2_errormsg();
			}
		});
	for (auto &t : ts)
		t.join();
	size_t total = 0;
	for (auto &v : won)
		total += v.size();
	EXPECT_EQ(total, static_cast<size_t>(places));
	EXPECT_EQ(lost.load(), threads * places - places);
	for (auto &v : won)
		for (pmem2_map *m : v)
			EXPECT_EQ(pmem2_map_delete(&m), 0);
}
