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
namespace
{

/* One granularity's functions (memcpy is memmove: both allow overlap). */
struct mem_fns {
	pmem2_memmove_fn move;
	pmem2_memset_fn set;
	pmem2_persist_fn persist;
	pmem2_flush_fn flush;
	pmem2_drain_fn drain;
};

constexpr mem_fns page_fns{memmove_page, memset_page, persist_page, flush_page, drain_none};
constexpr mem_fns cache_line_fns{memmove_cache_line, memset_cache_line, persist_cache_line,
                                 flush_cache_line, drain_fence};
constexpr mem_fns byte_fns{memmove_byte, memset_byte, persist_byte, flush_byte, drain_fence};

} // namespace

void install_mem_fns(struct pmem2_map *map)
{
	const mem_fns &f = map->effective_granularity == PMEM2_GRANULARITY_PAGE ? page_fns
	                   : map->effective_granularity == PMEM2_GRANULARITY_CACHE_LINE
	                       ? cache_line_fns
	                       : byte_fns;
	map->memmove_fn = f.move;
	map->memcpy_fn = f.move;
	map->memset_fn = f.set;
	map->persist_fn = f.persist;
	map->flush_fn = f.flush;
	map->drain_fn = f.drain;
}

} // namespace masync::pmem2

/* Each getter reads back what install_mem_fns chose. */
#define MASYNC_PMEM2_GETTER(fn)                                       \
	PMEM2_EXPORT pmem2_##fn pmem2_get_##fn(struct pmem2_map *map) \
	{                                                             \
		return map->fn;                                       \
	}

MASYNC_PMEM2_GETTER(memmove_fn)
MASYNC_PMEM2_GETTER(memcpy_fn)
MASYNC_PMEM2_GETTER(memset_fn)
MASYNC_PMEM2_GETTER(persist_fn)
MASYNC_PMEM2_GETTER(flush_fn)
MASYNC_PMEM2_GETTER(drain_fn)
