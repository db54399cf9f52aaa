/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/granularity_fns.cpp -- the memmove/memcpy/memset functions of each
 * granularity (pmem2_get_memmove_fn(3) and friends), thin wrappers over
 * the project's kernels (common/kernels.hpp), whose flag bits are those of
 * PMEM2_F_MEM_*. Bits outside PMEM2_F_MEM_VALID_FLAGS are ignored.
 *
 *   CACHE_LINE  kernels as they are: lines written back as the copy goes
 *               (or stored non-temporally), then SFENCE unless NODRAIN.
 *   BYTE        no write-back; SFENCE unless NODRAIN (or NOFLUSH).
 *   PAGE        no write-back (msync does it), SFENCE only after
 *               non-temporal stores, then msync of the pages unless
 *               NOFLUSH (NODRAIN has nothing to skip: drain is a no-op).
 */

#include "pmem2/granularity_fns.hpp"
#include "pmem2/persist.hpp"

#include "common/kernels.hpp"

#include <libpmem2.h>

namespace masync::pmem2
{
namespace
{

static_assert(PMEM2_F_MEM_NODRAIN == mem::nodrain && PMEM2_F_MEM_NONTEMPORAL == mem::nontemporal &&
              PMEM2_F_MEM_TEMPORAL == mem::temporal && PMEM2_F_MEM_WC == mem::wc &&
              PMEM2_F_MEM_WB == mem::wb && PMEM2_F_MEM_NOFLUSH == mem::noflush);

} // namespace

void *memmove_cache_line(void *dest, const void *src, std::size_t len, unsigned flags)
{
	return mem::move(dest, src, len, cache_line_flags(flags));
}

void *memset_cache_line(void *dest, int c, std::size_t len, unsigned flags)
{
	return mem::set(dest, c, len, cache_line_flags(flags));
}

void *memmove_byte(void *dest, const void *src, std::size_t len, unsigned flags)
{
	return mem::move(dest, src, len, byte_flags(flags));
}

void *memset_byte(void *dest, int c, std::size_t len, unsigned flags)
{
	return mem::set(dest, c, len, byte_flags(flags));
}

void *memmove_page(void *dest, const void *src, std::size_t len, unsigned flags)
{
	if (len == 0 || dest == src)
		return dest;
	mem::move(dest, src, len, page_flags(len, flags));
	if (!(flags & PMEM2_F_MEM_NOFLUSH))
		sync_pages(dest, len);
	return dest;
}

void *memset_page(void *dest, int c, std::size_t len, unsigned flags)
{
	if (len == 0)
		return dest;
	mem::set(dest, c, len, page_flags(len, flags));
	if (!(flags & PMEM2_F_MEM_NOFLUSH))
		sync_pages(dest, len);
	return dest;
}

} // namespace masync::pmem2
