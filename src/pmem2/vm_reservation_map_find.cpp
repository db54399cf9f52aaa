/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/vm_reservation_map_find.cpp -- finding the maps of a reservation:
 * pmem2_vm_reservation_map_find, _find_first, _find_last, _find_next,
 * _find_prev. Maps are ordered by address. On a miss the out-parameter is
 * set to NULL and PMEM2_E_MAPPING_NOT_FOUND returned.
 */
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/map.hpp"
#include "pmem2/vm_reservation.hpp"

#include <cerrno>
#include <iterator>

using namespace masync::pmem2;

namespace
{

int not_found(struct pmem2_map **out, const char *what)
{
	*out = nullptr;
	return fail(PMEM2_E_MAPPING_NOT_FOUND, "no map found %s", what);
}

int null_arg(const char *fn, const char *what)
{
	return fail(-EINVAL, "%s: %s is NULL", fn, what);
}

} // namespace

PMEM2_EXPORT int pmem2_vm_reservation_map_find(struct pmem2_vm_reservation *rsv,
                                               size_t reserv_offset, size_t len,
                                               struct pmem2_map **map_ptr)
{
	err_clear();
	if (rsv == nullptr || map_ptr == nullptr)
		return null_arg("pmem2_vm_reservation_map_find", rsv ? "map_ptr" : "rsv");
	std::shared_lock guard(rsv->lock);
	auto start = reinterpret_cast<std::uintptr_t>(rsv->addr) + reserv_offset;
	if (start < reserv_offset)
		return not_found(map_ptr, "at an offset beyond the address space");
	auto end = start + len;
	if (end < start)
		end = UINTPTR_MAX;

	/* the map containing start, if any, is the earliest intersecting one */
	auto it = rsv->maps.upper_bound(start);
	if (it != rsv->maps.begin()) {
		auto prev = std::prev(it);
		if (prev->first + prev->second->content_length > start) {
			*map_ptr = prev->second;
			return 0;
		}
	}
	/* otherwise the first map starting inside [start, end) (none if len is 0) */
	if (it != rsv->maps.end() && it->first < end) {
		*map_ptr = it->second;
		return 0;
	}
	return not_found(map_ptr, "in the given range of the reservation");
}

namespace
{

/* The first (first) or last map of rsv, for the function `name`. */
int find_end(struct pmem2_vm_reservation *rsv, struct pmem2_map **map_ptr, const char *name,
             bool first)
{
	err_clear();
	if (rsv == nullptr || map_ptr == nullptr)
		return null_arg(name, rsv ? "map_ptr" : "rsv");
	std::shared_lock guard(rsv->lock);
	if (rsv->maps.empty())
		return not_found(map_ptr, "(the reservation is empty)");
	*map_ptr = first ? rsv->maps.begin()->second : std::prev(rsv->maps.end())->second;
	return 0;
}

/* The map after (next) or before map in rsv, for the function `name`. */
int find_neighbour(struct pmem2_vm_reservation *rsv, struct pmem2_map *map, struct pmem2_map **out,
                   const char *name, const char *out_name, bool next)
{
	err_clear();
	if (rsv == nullptr || map == nullptr || out == nullptr)
		return null_arg(name, rsv == nullptr ? "rsv" : map == nullptr ? "map" : out_name);
	std::shared_lock guard(rsv->lock);
	auto it = rsv->maps.find(reinterpret_cast<std::uintptr_t>(map->addr));
	if (it == rsv->maps.end() || it->second != map)
		return not_found(out, "(the given map is not in this reservation)");
	if (next) {
		if (++it == rsv->maps.end())
			return not_found(out, "after the last map of the reservation");
	} else {
		if (it == rsv->maps.begin())
			return not_found(out, "before the first map of the reservation");
		--it;
	}
	*out = it->second;
	return 0;
}

} // namespace

PMEM2_EXPORT int pmem2_vm_reservation_map_find_first(struct pmem2_vm_reservation *rsv,
                                                     struct pmem2_map **map_ptr)
{
	return find_end(rsv, map_ptr, "pmem2_vm_reservation_map_find_first", true);
}

PMEM2_EXPORT int pmem2_vm_reservation_map_find_last(struct pmem2_vm_reservation *rsv,
                                                    struct pmem2_map **map_ptr)
{
	return find_end(rsv, map_ptr, "pmem2_vm_reservation_map_find_last", false);
}

PMEM2_EXPORT int pmem2_vm_reservation_map_find_next(struct pmem2_vm_reservation *rsv,
                                                    struct pmem2_map *map,
                                                    struct pmem2_map **next_map)
{
	return find_neighbour(rsv, map, next_map, "pmem2_vm_reservation_map_find_next", "next_map",
	                      true);
}

PMEM2_EXPORT int pmem2_vm_reservation_map_find_prev(struct pmem2_vm_reservation *rsv,
                                                    struct pmem2_map *map,
                                                    struct pmem2_map **prev_map)
{
	return find_neighbour(rsv, map, prev_map, "pmem2_vm_reservation_map_find_prev", "prev_map",
	                      false);
}
