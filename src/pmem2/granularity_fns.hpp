/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/granularity_fns.hpp -- libpmem2's memmove/memset functions per granularity
 * (granularity_fns.cpp has the table of what each does). memcpy is memmove: both
 * are safe for any overlap. They keep the contract of pmem2_memmove_fn:
 * len == 0 (and dest == src for memmove) does nothing, the result is dest,
 * 8-byte-aligned destinations and lengths get no store narrower than 8
 * bytes. Thread-safe; no allocation or lock (PAGE: see persist.hpp).
 * plan_for() gives the same choice to the default mover, which runs it
 * through the operation core (common/vdm_op.hpp).
 */
#ifndef MASYNC_PMEM2_GRANULARITY_FNS_HPP
#define MASYNC_PMEM2_GRANULARITY_FNS_HPP

#include <libpmem2.h>

#include <cstddef>

namespace masync::pmem2
{

void *memmove_cache_line(void *dest, const void *src, std::size_t len, unsigned flags);
void *memset_cache_line(void *dest, int c, std::size_t len, unsigned flags);
void *memmove_byte(void *dest, const void *src, std::size_t len, unsigned flags);
void *memset_byte(void *dest, int c, std::size_t len, unsigned flags);
void *memmove_page(void *dest, const void *src, std::size_t len, unsigned flags);
void *memset_page(void *dest, int c, std::size_t len, unsigned flags);

/*
 * How the map's default mover runs a copy, move or fill of len bytes with
 * the caller's PMEM2_F_MEM_* flags on a map of granularity g: the kernel
 * flags (common/kernels.hpp) the functions above would use, and whether the
 * map's persist function must follow. With `durable` (VDM_F_MEM_DURABLE)
 * the data is durable when both are done, whatever NODRAIN or NOFLUSH
 * said; without it, the result is what the map's function with those
 * flags leaves. Pure; any thread.
 */
struct mem_plan {
	unsigned kflags;
	bool persist;
};
mem_plan plan_for(pmem2_granularity g, std::size_t len, unsigned flags, bool durable) noexcept;

} // namespace masync::pmem2

#endif
