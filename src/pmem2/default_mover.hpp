/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/default_mover.hpp -- the data mover a map uses for the async API
 * when its config named none.
 *
 * What it is
 *   A struct vdm whose operations run synchronously, on the polling thread,
 *   in op_start: memcpy/memmove/memset through the operation core's kernels
 *   (vdm_op::run_kernel) with the flags the map's granularity chooses
 *   (plan_for: the same kernels and flags as the map's own memory
 *   functions), then the map's persist function where the plan needs it;
 *   flush through map->flush_fn. It advertises VDM_F_MEM_DURABLE: with it,
 *   the plan also undoes the effect of a caller's NODRAIN or NOFLUSH, so the
 *   data is durable on completion either way.
 *
 * Flags
 *   The low 32 bits of an operation's flags are VDM_F_* flags; the async API
 *   puts the caller's PMEM2_F_MEM_* flags in the high 32 bits
 *   (encode_pmem2_flags), and they choose the kernel as they would for the
 *   map's function.
 *   VDM_F_NO_CACHE_HINT alone becomes PMEM2_F_MEM_NONTEMPORAL.
 *
 * Failures
 *   It never runs out of anything: it keeps no per-operation record (the
 *   outcome goes from op_start to op_delete, which vdm_operation_impl calls
 *   in the same poll on the same thread, through a thread-local word). A
 *   persist that fails (msync at PAGE granularity) completes the operation
 *   with VDM_ERROR_JOB_CORRUPTED and a NULL output pointer, and sets
 *   pmem2_errormsg on the polling thread.
 *
 * Fast path
 *   pmem2_*_async on a map with its default mover does not go through the
 *   vdm callbacks at all: the future's task runs default_mover_run and
 *   default_mover_output directly (async.cpp). The callbacks remain for
 *   anyone who drives the operation entry as a vdm future.
 *
 * Lifetime and thread safety
 *   Made by the map (default_mover_new) after its memory functions are
 *   installed, freed by pmem2_map_delete (default_mover_delete) once no
 *   future on it is pending. Any number of threads may create and poll
 *   operations at once; no allocation, lock or system call per operation
 *   (other than the msync PAGE granularity needs).
 */
#ifndef MASYNC_PMEM2_DEFAULT_MOVER_HPP
#define MASYNC_PMEM2_DEFAULT_MOVER_HPP

#include <libminiasync/vdm.h>

#include <cstdint>

struct pmem2_map;

namespace masync::pmem2
{

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

/*
 * Runs op for map as above (VDM_F_MEM_DURABLE in its flags: also finishes
 * what the caller's NODRAIN/NOFLUSH left out). VDM_SUCCESS, or
 * VDM_ERROR_JOB_CORRUPTED when a persist failed (pmem2_errormsg set).
 */
vdm_operation_result default_mover_run(struct pmem2_map *map,
                                       const struct vdm_operation *op) noexcept;

/* The output of op after it ran with this result (destination NULL on failure). */
void default_mover_output(const struct vdm_operation *op, vdm_operation_result result,
                          struct vdm_operation_output *output) noexcept;

} // namespace masync::pmem2

#endif
