/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/granularity_fns.hpp -- libpmem2's memmove/memset functions per granularity
 * (granularity_fns.cpp has the table of what each does). memcpy is memmove: both
 * are safe for any overlap. They keep the contract of pmem2_memmove_fn:
 * len == 0 (and dest == src for memmove) does nothing, the result is dest,
 * 8-byte-aligned destinations and lengths get no store narrower than 8
 * bytes. Thread-safe; no allocation or lock (PAGE: see persist.hpp).
 */
#ifndef MASYNC_PMEM2_GRANULARITY_FNS_HPP
#define MASYNC_PMEM2_GRANULARITY_FNS_HPP

#include <cstddef>

namespace masync::pmem2
{

void *memmove_cache_line(void *dest, const void *src, std::size_t len, unsigned flags);
void *memset_cache_line(void *dest, int c, std::size_t len, unsigned flags);
void *memmove_byte(void *dest, const void *src, std::size_t len, unsigned flags);
void *memset_byte(void *dest, int c, std::size_t len, unsigned flags);
void *memmove_page(void *dest, const void *src, std::size_t len, unsigned flags);
void *memset_page(void *dest, int c, std::size_t len, unsigned flags);

} // namespace masync::pmem2

#endif
