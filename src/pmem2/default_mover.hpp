/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/default_mover.hpp -- the data mover a map uses for the async API
 * when its config named none.
 *
 * What it is
 *   A struct vdm whose operations run synchronously, on the polling thread,
 *   in op_start: memcpy/memmove/memset through the map's own memory functions
 *   (map->memcpy_fn ...), flush through map->flush_fn. It advertises
 *   VDM_F_MEM_DURABLE: the map's functions persist what they write for the
 *   map's granularity, and when the operation carries VDM_F_MEM_DURABLE the
 *   mover also undoes the effect of a caller's NODRAIN (a drain) or NOFLUSH (a
 *   persist) so the data is durable on completion either way.
 *
 * Flags
 *   The low 32 bits of an operation's flags are VDM_F_* flags; the async API
 *   puts the caller's PMEM2_F_MEM_* flags in the high 32 bits
 *   (encode_pmem2_flags), and they go to the map's function unchanged.
 *   VDM_F_NO_CACHE_HINT alone becomes PMEM2_F_MEM_NONTEMPORAL.
 *
 * Failures
 *   No free record: op_new returns NULL (vdm_memcpy then makes a COMPLETE
 *   future with VDM_ERROR_OUT_OF_MEMORY). A persist that fails (msync at
 *   PAGE granularity) completes the operation with VDM_ERROR_JOB_CORRUPTED
 *   and a NULL output pointer, and sets pmem2_errormsg on the polling thread.
 *
 * Lifetime and thread safety
 *   Made by the map (default_mover_new) after its memory functions are
 *   installed, freed by pmem2_map_delete (default_mover_delete) once no
 *   future on it is pending. Operation records come from a lock-free
 *   masync::record_pool: any number of threads may create and poll
 *   operations at once; no allocation, lock or system call per operation
 *   (other than the msync PAGE granularity needs).
 */
#ifndef MASYNC_PMEM2_DEFAULT_MOVER_HPP
#define MASYNC_PMEM2_DEFAULT_MOVER_HPP

#include <libminiasync/vdm.h>

#include <atomic>
#include <cstdint>

struct pmem2_map;

namespace masync::pmem2
{

/* Operation records per default mover (the capacity of its pool). */
inline constexpr std::uint32_t default_mover_records = 8192;

/* Test hook: when non-zero, the record capacity of default movers made from now on. */
extern std::atomic<std::uint32_t> default_mover_records_override;

/* Carries PMEM2_F_MEM_* flags in a vdm operation's flags, for the default mover. */
constexpr std::uint64_t encode_pmem2_flags(unsigned flags)
{
	return static_cast<std::uint64_t>(flags) << 32;
}

/*
 * Makes map's default mover (map's memory functions must be installed).
 * Returns nullptr when out of memory.
 */
struct vdm *default_mover_new(struct pmem2_map *map) noexcept;

/* Frees a mover made by default_mover_new (nullptr is fine). */
void default_mover_delete(struct vdm *vdm) noexcept;

} // namespace masync::pmem2

#endif
