/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/map_from_existing.cpp -- pmem2_map_from_existing: describing memory
 * the program mapped itself, so that libpmem2's persistence and memory
 * functions can be used on it. The range is registered like any map (and
 * so may not overlap another); pmem2_map_delete forgets it without
 * unmapping it.
 */
#include "pmem2/address_space.hpp"
#include "pmem2/async.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/granularity.hpp"
#include "pmem2/map.hpp"
#include "pmem2/map_registry.hpp"
#include "pmem2/source.hpp"

#include <cerrno>
#include <cstring>
#include <new>

using namespace masync::pmem2;

PMEM2_EXPORT int pmem2_map_from_existing(struct pmem2_map **map_ptr, const struct pmem2_source *src,
                                         void *addr, size_t len, enum pmem2_granularity gran)
{
	err_clear();
	if (map_ptr == nullptr || src == nullptr)
		return fail(-EINVAL, "pmem2_map_from_existing: %s is NULL",
		            map_ptr == nullptr ? "map" : "src");
	/* Read as an integer: a C caller may pass any int, which is no valid C++ enum value. */
	int g;
	static_assert(sizeof(g) == sizeof(gran));
	std::memcpy(&g, &gran, sizeof(g));
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
	case PMEM2_GRANULARITY_CACHE_LINE:
	case PMEM2_GRANULARITY_PAGE:
		break;
	default:
		return fail(PMEM2_E_GRANULARITY_NOT_SUPPORTED,
		            "granularity %d is not one of PMEM2_GRANULARITY_BYTE (0), _CACHE_LINE "
		            "(1) or _PAGE (2)",
		            g);
	}

	auto *map = new (std::nothrow) pmem2_map{};
	if (map == nullptr)
		return fail(-ENOMEM, "out of memory allocating a pmem2_map");
	map->addr = addr;
	map->reserved_length = 0;
	map->content_length = len;
	map->effective_granularity = static_cast<pmem2_granularity>(g);
	map->sharing = PMEM2_SHARED;
	map->source = *src;
	map->from_existing = true;
	install_mem_fns(map);
	if (int ret = async_map_init(map, nullptr)) { /* a default mover */
		delete map;
		return ret;
	}

	if (int ret = registry_add(map)) {
		async_map_fini(map);
		delete map;
		if (ret == PMEM2_E_MAPPING_EXISTS)
			/* PMDK 1.12.1 answers MAP_EXISTS here (its manual says MAPPING_EXISTS) */
			return fail(PMEM2_E_MAP_EXISTS,
			            "the range %p-%p (%zu bytes) overlaps a map libpmem2 already "
			            "knows",
			            addr, range_end(addr, len), len);
		return fail(ret, "out of memory registering the mapping");
	}
	*map_ptr = map;
	return 0;
}
