/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/map_registry.hpp -- the process-wide registry of live pmem2 maps.
 *
 * What it is
 *   Every map made by pmem2_map_new or pmem2_map_from_existing is entered
 *   here under its address range [addr, addr + content_length) until
 *   pmem2_map_delete. Ranges never overlap: entering a range that overlaps a
 *   registered one fails, which is how libpmem2 refuses to describe the same
 *   memory twice. Lookups let the PAGE-granularity persist functions msync
 *   only memory that belongs to a map (msync on anything else may fail or
 *   touch memory libpmem2 does not own).
 *
 * Lifetime
 *   The registry itself lives for the whole process (constructed on first
 *   use, never destroyed, so it is usable from destructors and atexit).
 *   A map pointer obtained from a lookup is valid only while the caller
 *   knows the map is not being deleted; for_each_mapped_part() therefore
 *   runs its callback inside the lookup: registry_remove of a map it visits
 *   returns only after the callback did.
 *
 * Thread safety
 *   All functions are thread-safe. Lookups (registry_find,
 *   for_each_mapped_part) take no lock: they read an immutable snapshot of
 *   the ranges, published with an atomic pointer and freed by the next
 *   writer once no lookup can still be reading it (map_registry.cpp).
 *   registry_add/registry_remove are serialized by a mutex, and each waits
 *   for the lookups that began before its change to finish. A callback of
 *   for_each_mapped_part() must not call registry_add or registry_remove
 *   (it would wait for itself) and should be short.
 *
 * Cost
 *   Lookups: O(log n) in the number of live maps, two atomic increments,
 *   no allocation, lock or system call. add/remove: O(n), one allocation
 *   (a new snapshot).
 */
#ifndef MASYNC_PMEM2_MAP_REGISTRY_HPP
#define MASYNC_PMEM2_MAP_REGISTRY_HPP

#include <cstddef>

struct pmem2_map;

namespace masync::pmem2
{

/*
 * Enters map (its addr and content_length must be set). Returns 0, or
 * PMEM2_E_MAPPING_EXISTS when the range overlaps a registered map (the
 * registry is unchanged then), or -ENOMEM. Does not set the error message:
 * the caller knows which code and message its API promises.
 * A zero-length map holds no bytes: it overlaps nothing, is never found by
 * lookups, and can still be removed.
 */
int registry_add(pmem2_map *map) noexcept;

/*
 * Removes map. Returns 0, PMEM2_E_MAPPING_NOT_FOUND if it is not
 * registered, or -ENOMEM (it stays registered then).
 */
int registry_remove(pmem2_map *map) noexcept;

/* The registered map whose range contains addr, or nullptr. */
pmem2_map *registry_find(const void *addr) noexcept;

/*
 * Calls fn(ctx, map, part, part_len) for each part of [addr, addr + len)
 * that lies inside a registered map, in increasing address order, inside
 * one lookup (see Lifetime). Returns the number of parts visited.
 */
using mapped_part_fn = void (*)(void *ctx, pmem2_map *map, void *part, std::size_t part_len);
std::size_t for_each_mapped_part(const void *addr, std::size_t len, mapped_part_fn fn,
                                 void *ctx) noexcept;

/* Number of registered maps (for tests and diagnostics). */
std::size_t registry_size() noexcept;

} // namespace masync::pmem2

#endif
