/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/vm_reservation.hpp -- the layout of struct pmem2_vm_reservation
 * and what pmem2_map_new/pmem2_map_delete need of it.
 *
 * A reservation is a range of address space [addr, addr + size) held by
 * inaccessible placeholders (address_space.hpp). Maps placed in it replace
 * a part of the placeholder with MAP_FIXED; deleting such a map puts a
 * placeholder back in the same system call, so the range never becomes
 * free for anyone else. The maps are kept ordered by address.
 *
 * Lifetime: the reservation must outlive its maps; pmem2_vm_reservation_delete
 * refuses while any remain.
 *
 * Thread safety: every field is guarded by `lock`. Lookups take it shared;
 * placing or removing a map, extend, shrink and delete take it exclusive.
 * pmem2_map_new holds it exclusive from the range check until the map is
 * recorded, so two threads cannot place maps on the same range.
 */
#ifndef MASYNC_PMEM2_VM_RESERVATION_HPP
#define MASYNC_PMEM2_VM_RESERVATION_HPP

#include <libpmem2.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <shared_mutex>

struct pmem2_vm_reservation {
	void *addr = nullptr;
	size_t size = 0;
	std::shared_mutex lock;
	std::map<std::uintptr_t, pmem2_map *> maps; /* by start address */
};

namespace masync::pmem2
{

/*
 * True when no map of rsv intersects [addr, addr + len) (len > 0).
 * The caller holds rsv->lock.
 */
bool reservation_range_free(const pmem2_vm_reservation &rsv, std::uintptr_t addr,
                            std::size_t len) noexcept;

/* Records map (placed at map->addr) in rsv; the caller holds rsv->lock exclusively. */
int reservation_insert(pmem2_vm_reservation &rsv, pmem2_map *map) noexcept;

/* Forgets map; the caller holds rsv->lock exclusively. */
void reservation_erase(pmem2_vm_reservation &rsv, pmem2_map *map) noexcept;

/*
 * Gives map's range back to rsv (a placeholder replaces the mapping) and
 * forgets the map. Takes rsv->lock itself. Returns 0 or a negative code
 * (the map then stays mapped and recorded).
 */
int reservation_release_map(pmem2_vm_reservation &rsv, pmem2_map *map) noexcept;

} // namespace masync::pmem2

#endif
