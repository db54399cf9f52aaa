/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/async.hpp -- internals of libpmem2's async API shared by the map
 * lifecycle, the default mover and the futures (async.cpp, async_future.cpp,
 * async_chain.cpp).
 *
 * Map lifecycle
 *   async_map_init() gives a new map its mover: the config's vdm (borrowed)
 *   or a new default mover (owned). async_map_fini() frees an owned one.
 *   pmem2_map_new/pmem2_map_from_existing and pmem2_map_delete call them.
 *
 * Failed persists
 *   The map's memory functions return nothing; at PAGE granularity a failed
 *   msync is counted in sync_failures (and reported through errno and
 *   pmem2_errormsg). call_checked() runs one of them and tells whether it
 *   failed, leaving a message and errno as it was.
 *
 * Thread safety: all of it may be used from any thread; init/fini only by
 * the thread creating/deleting the map.
 */
#ifndef MASYNC_PMEM2_ASYNC_HPP
#define MASYNC_PMEM2_ASYNC_HPP

#include <libpmem2.h>

#include "pmem2/map.hpp"
#include "pmem2/persist.hpp"

#include <cerrno>
#include <cstddef>

struct pmem2_config;

namespace masync::pmem2
{

/*
 * Sets map->vdm and map->vdm_owned from cfg (nullptr: no config, as for
 * pmem2_map_from_existing). Returns 0, or -ENOMEM with pmem2_errormsg set.
 */
int async_map_init(struct pmem2_map *map, const struct pmem2_config *cfg) noexcept;

/* Frees map's default mover if it owns one. */
void async_map_fini(struct pmem2_map *map) noexcept;

/* Sets pmem2_errormsg for a memory function of map that failed with errnum. */
void report_failed_persist(const struct pmem2_map *map, int errnum) noexcept;

/* Runs f(), a call of one of map's memory functions; false if its persist failed. */
template <typename F> bool call_checked(const struct pmem2_map *map, F f)
{
	if (map->effective_granularity != PMEM2_GRANULARITY_PAGE) {
		f(); /* only msync can fail */
		return true;
	}
	/* A failed msync sets errno (sync_pages); the async API leaves errno as it was. */
	int saved = errno;
	unsigned before = sync_failures.count;
	f();
	if (sync_failures.count == before)
		return true;
	report_failed_persist(map, sync_failures.last_error);
	errno = saved;
	return false;
}

/* map->persist_fn(p, n), reporting failure. */
inline bool persist_checked(const struct pmem2_map *map, const void *p, std::size_t n)
{
	return call_checked(map, [&] { map->persist_fn(p, n); });
}

} // namespace masync::pmem2

#endif
