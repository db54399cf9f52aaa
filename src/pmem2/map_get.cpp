/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/map_get.cpp -- the map getters: pmem2_map_get_address, _get_size,
 * _get_store_granularity. They only read immutable fields, so they are
 * thread-safe and never fail for a valid map (and then leave the error
 * message alone); a NULL map gives NULL, 0 and PMEM2_GRANULARITY_PAGE (the
 * most conservative answer) with a message.
 */
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/map.hpp"

using namespace masync::pmem2;

PMEM2_EXPORT void *pmem2_map_get_address(struct pmem2_map *map)
{
	if (map == nullptr) {
		fail(0, "pmem2_map_get_address: map is NULL");
		return nullptr;
	}
	return map->addr;
}

PMEM2_EXPORT size_t pmem2_map_get_size(struct pmem2_map *map)
{
	if (map == nullptr) {
		fail(0, "pmem2_map_get_size: map is NULL");
		return 0;
	}
	return map->content_length;
}

PMEM2_EXPORT enum pmem2_granularity pmem2_map_get_store_granularity(struct pmem2_map *map)
{
	if (map == nullptr) {
		fail(0, "pmem2_map_get_store_granularity: map is NULL");
		return PMEM2_GRANULARITY_PAGE;
	}
	return map->effective_granularity;
}
