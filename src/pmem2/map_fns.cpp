/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/map_fns.cpp -- install_mem_fns() (map.hpp) and the six getters of
 * pmem2_get_memmove_fn(3), pmem2_get_persist_fn(3), pmem2_get_flush_fn(3)
 * and pmem2_get_drain_fn(3). The functions are chosen once per map, by its
 * effective granularity; the getters only read them back (never NULL, the
 * same function for the same map, any thread).
 */

#include "pmem2/export.hpp"
#include "pmem2/map.hpp"
#include "pmem2/granularity_fns.hpp"
#include "pmem2/persist.hpp"

namespace masync::pmem2
{

void install_mem_fns(struct pmem2_map *map)
{
	switch (map->effective_granularity) {
	case PMEM2_GRANULARITY_PAGE:
		map->memmove_fn = memmove_page;
		map->memcpy_fn = memmove_page;
		map->memset_fn = memset_page;
		map->persist_fn = persist_page;
		map->flush_fn = flush_page;
		map->drain_fn = drain_none;
		break;
	case PMEM2_GRANULARITY_CACHE_LINE:
		map->memmove_fn = memmove_cache_line;
		map->memcpy_fn = memmove_cache_line;
		map->memset_fn = memset_cache_line;
		map->persist_fn = persist_cache_line;
		map->flush_fn = flush_cache_line;
		map->drain_fn = drain_fence;
		break;
	case PMEM2_GRANULARITY_BYTE:
	default:
		map->memmove_fn = memmove_byte;
		map->memcpy_fn = memmove_byte;
		map->memset_fn = memset_byte;
		map->persist_fn = persist_byte;
		map->flush_fn = flush_byte;
		map->drain_fn = drain_fence;
		break;
	}
}

} // namespace masync::pmem2

PMEM2_EXPORT pmem2_memmove_fn pmem2_get_memmove_fn(struct pmem2_map *map)
{
	return map->memmove_fn;
}

PMEM2_EXPORT pmem2_memcpy_fn pmem2_get_memcpy_fn(struct pmem2_map *map)
{
	return map->memcpy_fn;
}

PMEM2_EXPORT pmem2_memset_fn pmem2_get_memset_fn(struct pmem2_map *map)
{
	return map->memset_fn;
}

PMEM2_EXPORT pmem2_persist_fn pmem2_get_persist_fn(struct pmem2_map *map)
{
	return map->persist_fn;
}

PMEM2_EXPORT pmem2_flush_fn pmem2_get_flush_fn(struct pmem2_map *map)
{
	return map->flush_fn;
}

PMEM2_EXPORT pmem2_drain_fn pmem2_get_drain_fn(struct pmem2_map *map)
{
	return map->drain_fn;
}
