/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/async.cpp -- a map's mover for the async API (async.hpp) and
 * pmem2_config_set_vdm. The futures are made in async_future.cpp and driven
 * in async_chain.cpp (their layout: async_future.hpp).
 */
#define PMEM2_USE_MINIASYNC 1 /* this file implements the async API */
#include "pmem2/async.hpp"

#include "pmem2/config.hpp"
#include "pmem2/default_mover.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"

namespace masync::pmem2
{

int async_map_init(struct pmem2_map *map, const struct pmem2_config *cfg) noexcept
{
	if (cfg != nullptr && cfg->vdm != nullptr) {
		map->vdm = cfg->vdm;
		map->vdm_owned = false;
		return 0;
	}
	map->vdm = default_mover_new(map);
	if (map->vdm == nullptr) {
		map->vdm_owned = false;
		return fail(-ENOMEM, "out of memory creating the map's default data mover");
	}
	map->vdm_owned = true;
	return 0;
}

void async_map_fini(struct pmem2_map *map) noexcept
{
	if (map->vdm_owned)
		default_mover_delete(map->vdm);
	map->vdm = nullptr;
	map->vdm_owned = false;
}

void report_failed_persist(const struct pmem2_map *map, int errnum) noexcept
{
	set_errno_message(errnum, "persisting to the map at %p (PAGE granularity) failed",
	                  map->addr);
}

} // namespace masync::pmem2

using namespace masync::pmem2;

PMEM2_EXPORT int pmem2_config_set_vdm(struct pmem2_config *cfg, struct vdm *vdm)
{
	err_clear();
	if (cfg == nullptr)
		return fail(-EINVAL, "pmem2_config_set_vdm: cfg is NULL");
	cfg->vdm = vdm;
	return 0;
}
