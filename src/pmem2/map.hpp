/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/map.hpp -- the internal layout of struct pmem2_map, shared by the
 * map lifecycle (map_new.cpp, map_delete.cpp), the memory operations
 * (map_fns.cpp) and the async API.
 *
 * A map is created by pmem2_map_new/pmem2_map_from_existing, which fill every
 * field below and then call install_mem_fns(). After that the map is
 * immutable until pmem2_map_delete, so any number of threads may read it.
 */
#ifndef MASYNC_PMEM2_MAP_HPP
#define MASYNC_PMEM2_MAP_HPP

#include <libpmem2.h>

#include "pmem2/source.hpp"

#include <cstddef>

struct vdm;

struct pmem2_map {
	void *addr;             /* first byte of the mapping */
	size_t reserved_length; /* bytes of address space held (>= content_length) */
	size_t content_length;  /* bytes mapped: pmem2_map_get_size() */
	enum pmem2_granularity effective_granularity;
	enum pmem2_sharing_type sharing;
	struct pmem2_source source;          /* a copy of the source it was made from */
	struct pmem2_vm_reservation *reserv; /* NULL unless placed in a reservation */
	size_t reserv_offset;
	bool from_existing; /* made by pmem2_map_from_existing: not unmapped on delete */

	/* The memory operations for this map's granularity (install_mem_fns). */
	pmem2_memcpy_fn memcpy_fn;
	pmem2_memmove_fn memmove_fn;
	pmem2_memset_fn memset_fn;
	pmem2_persist_fn persist_fn;
	pmem2_flush_fn flush_fn;
	pmem2_drain_fn drain_fn;

	/* The async API's mover: the config's (borrowed) or the map's own. */
	struct vdm *vdm;
	bool vdm_owned;
};

namespace masync::pmem2
{

/*
 * Sets map->memcpy_fn ... drain_fn for map->effective_granularity (and the
 * CPU's features and the PMEM_* environment overrides). Implemented in
 * map_fns.cpp. Cannot fail.
 */
void install_mem_fns(struct pmem2_map *map);

} // namespace masync::pmem2

#endif
