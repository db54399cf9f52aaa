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

#include "common/kernels.hpp"

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

/* The kernel flags of each granularity's functions (PAGE: before its msync), from PMEM2_F_MEM_*
 * bits. */
inline constexpr unsigned valid_mem_flags = PMEM2_F_MEM_VALID_FLAGS;

/* CACHE_LINE: the kernels as they are. */
inline unsigned cache_line_flags(unsigned flags)
{
	return flags & valid_mem_flags;
}

/* BYTE: never a write-back. */
inline unsigned byte_flags(unsigned flags)
{
	return (flags & valid_mem_flags) | mem::no_line_flush;
}

/* PAGE: the kernel's flags, and whether msync follows. */
inline unsigned page_flags(std::size_t len, unsigned flags)
{
	unsigned f = (flags & valid_mem_flags) | mem::no_line_flush | mem::nodrain;
	if (!(flags & PMEM2_F_MEM_NOFLUSH) && mem::stores_nt(len, f))
		f &= ~mem::nodrain; /* non-temporal stores must be fenced before msync */
	return f;
}

inline mem_plan plan_for(pmem2_granularity g, std::size_t len, unsigned flags,
                         bool durable) noexcept
{
	const bool noflush = flags & PMEM2_F_MEM_NOFLUSH;
	if (g == PMEM2_GRANULARITY_PAGE) /* msync unless NOFLUSH; durable: always */
		return {page_flags(len, flags), durable || !noflush};
	unsigned f =
	    g == PMEM2_GRANULARITY_CACHE_LINE ? cache_line_flags(flags) : byte_flags(flags);
	if (!durable)
		return {f, false};
	if (noflush) /* plain stores, then the map's persist (write-backs and/or a fence) */
		return {f, true};
	return {f & ~mem::nodrain, false}; /* the kernel's own closing fence */
}

} // namespace masync::pmem2

#endif
