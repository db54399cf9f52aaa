/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/map_registry.cpp -- the registry of live maps (map_registry.hpp):
 * an ordered map from start address to (end, map) behind a reader-writer
 * lock. Ranges are kept disjoint and sorted, so a new range [b, e) overlaps
 * some entry exactly when the last entry starting before e ends after b.
 */
#include "pmem2/map_registry.hpp"

#include "pmem2/map.hpp"

#include <cerrno>
#include <cstdint>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <new>
#include <shared_mutex>

namespace masync::pmem2
{

namespace
{

struct entry {
	std::uintptr_t end; /* exclusive */
	pmem2_map *map;
};

struct registry {
	std::shared_mutex lock;
	std::map<std::uintptr_t, entry> ranges; /* by start address, never empty */
	std::set<pmem2_map *> empty;            /* zero-length maps: hold no bytes */
};

registry &the_registry()
{
	/* Never destroyed: maps may be deleted from static destructors. */
	static registry *r = new registry;
	return *r;
}

/* [start, end) of a map of non-zero length. */
void range_of(const pmem2_map *map, std::uintptr_t *start, std::uintptr_t *end)
{
	*start = reinterpret_cast<std::uintptr_t>(map->addr);
	*end = *start + map->content_length;
	if (*end < *start) /* wraps around the address space */
		*end = UINTPTR_MAX;
}

/* The entry whose range contains a, or ranges.end(). Lock held by caller. */
std::map<std::uintptr_t, entry>::iterator containing(registry &r, std::uintptr_t a)
{
	auto it = r.ranges.upper_bound(a);
	if (it == r.ranges.begin())
		return r.ranges.end();
	--it;
	return a < it->second.end ? it : r.ranges.end();
}

} // namespace

int registry_add(pmem2_map *map) noexcept
{
	registry &r = the_registry();
	std::unique_lock guard(r.lock);
	if (map->content_length == 0) {
		try {
			r.empty.insert(map);
		} catch (const std::bad_alloc &) {
			return -ENOMEM;
		}
		return 0;
	}

	std::uintptr_t start, end;
	range_of(map, &start, &end);

	/* the last range starting before end is the only possible overlap */
	auto it = r.ranges.lower_bound(end);
	if (it != r.ranges.begin()) {
		auto prev = std::prev(it);
		if (prev->second.end > start)
			return PMEM2_E_MAPPING_EXISTS;
	}
	try {
		r.ranges.emplace(start, entry{end, map});
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
	return 0;
}

int registry_remove(pmem2_map *map) noexcept
{
	registry &r = the_registry();
	std::unique_lock guard(r.lock);
	if (map->content_length == 0)
		return r.empty.erase(map) ? 0 : PMEM2_E_MAPPING_NOT_FOUND;
	auto it = r.ranges.find(reinterpret_cast<std::uintptr_t>(map->addr));
	if (it == r.ranges.end() || it->second.map != map)
		return PMEM2_E_MAPPING_NOT_FOUND;
	r.ranges.erase(it);
	return 0;
}

pmem2_map *registry_find(const void *addr) noexcept
{
	registry &r = the_registry();
	std::shared_lock guard(r.lock);
	auto it = containing(r, reinterpret_cast<std::uintptr_t>(addr));
	return it == r.ranges.end() ? nullptr : it->second.map;
}

std::size_t for_each_mapped_part(const void *addr, std::size_t len, mapped_part_fn fn,
                                 void *ctx) noexcept
{
	if (len == 0)
		return 0;
	std::uintptr_t start = reinterpret_cast<std::uintptr_t>(addr);
	std::uintptr_t end = start + len;
	if (end < start)
		end = UINTPTR_MAX;

	registry &r = the_registry();
	std::shared_lock guard(r.lock);
	/* begin with the range containing start, if any, else the first after it */
	auto it = containing(r, start);
	if (it == r.ranges.end())
		it = r.ranges.upper_bound(start);
	std::size_t parts = 0;
	for (; it != r.ranges.end() && it->first < end; ++it) {
		std::uintptr_t b = it->first > start ? it->first : start;
		std::uintptr_t e = it->second.end < end ? it->second.end : end;
		if (b >= e)
			continue;
		fn(ctx, it->second.map, reinterpret_cast<void *>(b), e - b);
		++parts;
	}
	return parts;
}

std::size_t registry_size() noexcept
{
	registry &r = the_registry();
	std::shared_lock guard(r.lock);
	return r.ranges.size() + r.empty.size();
}

} // namespace masync::pmem2
