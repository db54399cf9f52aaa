/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/granularity.hpp -- which store granularity a new mapping gets.
 *
 * Rules (applied by pmem2_map_new after the mapping is made):
 *   - anonymous memory, or a PMEM2_PRIVATE mapping: BYTE (nothing ever
 *     needs to reach a medium);
 *   - otherwise PMEM2_FORCE_GRANULARITY, when set to BYTE, CACHE_LINE,
 *     CACHELINE or PAGE (any letter case), decides; other values are ignored;
 *   - otherwise, if the kernel accepted MAP_SHARED_VALIDATE | MAP_SYNC the
 *     memory is persistent: BYTE when the platform flushes CPU caches on
 *     power loss (every NVDIMM region reports persistence_domain
 *     "cpu_cache", i.e. eADR), CACHE_LINE when not;
 *   - otherwise PAGE (msync is needed).
 *
 * Thread safety: all functions are thread-safe. The environment variable is
 * read on every call (a program may set it before mapping); the platform
 * query is made once per process and cached.
 */
#ifndef MASYNC_PMEM2_GRANULARITY_HPP
#define MASYNC_PMEM2_GRANULARITY_HPP

#include <libpmem2.h>

#include "masync/granularity.hpp"

namespace masync::pmem2
{

/* Parses a PMEM2_FORCE_GRANULARITY value; false if it is not a known one. */
bool parse_granularity(const char *value, pmem2_granularity *g) noexcept;

/* The value of PMEM2_FORCE_GRANULARITY if set to a known value. */
bool forced_granularity(pmem2_granularity *g) noexcept;

/*
 * True when the platform has at least one NVDIMM region and every region's
 * persistence domain is the CPU cache (asked through libndctl).
 */
bool platform_flushes_cpu_caches() noexcept;

struct granularity_inputs {
	bool anonymous;  /* anonymous source */
	bool is_private; /* PMEM2_PRIVATE sharing */
	bool map_sync;   /* the kernel accepted MAP_SYNC */
};

/* The finest granularity the mapping described by in offers. */
pmem2_granularity effective_granularity(const granularity_inputs &in) noexcept;

/* Messages name granularities with granularity_name (masync/granularity.hpp). */

} // namespace masync::pmem2

#endif
