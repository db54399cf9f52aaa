/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/map_delete.cpp -- pmem2_map_delete: unregistering a map and
 * releasing its address range (unless the user owns it).
 *
 * A map made by pmem2_map_from_existing only loses its description: the
 * memory stays mapped. A map inside a virtual-memory reservation gives its
 * range back to the reservation (a placeholder again) instead of unmapping
 * it (vm_reservation.cpp). If releasing the range fails the map is registered again and left
 * intact, so the call can be retried.
 */
#include "pmem2/async.hpp"
#include "pmem2/address_space.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/map.hpp"
#include "pmem2/map_registry.hpp"
#include "pmem2/vm_reservation.hpp"

#include <cerrno>

using namespace masync::pmem2;

PMEM2_EXPORT int pmem2_map_delete(struct pmem2_map **map_ptr)
{
	err_clear();
	if (map_ptr == nullptr || *map_ptr == nullptr)
		return fail(-EINVAL, "pmem2_map_delete: %s is NULL",
		            map_ptr == nullptr ? "map_ptr" : "*map_ptr");
	pmem2_map *map = *map_ptr;

	if (int ret = registry_remove(map); ret == -ENOMEM)
		return fail(-ENOMEM, "out of memory removing the map at %p from the registry",
		            map->addr);
	else if (ret != 0)
		return fail(PMEM2_E_MAPPING_NOT_FOUND,
		            "the map at %p is not registered: it was already deleted or is not a "
		            "pmem2_map",
		            map->addr);

	if (!map->from_existing) {
		int ret = map->reserv ? reservation_release_map(*map->reserv, map)
		                      : release(map->addr, map->reserved_length);
		if (ret) {
			registry_add(map); /* the range is still in use: keep the map whole */
			return ret;
		}
	}

	async_map_fini(map); /* frees the map's default mover, never a borrowed one */
	delete map;
	*map_ptr = nullptr;
	return 0;
}
