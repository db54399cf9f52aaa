/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/prefetch.hpp -- asking for a cache line before it is written.
 *
 * prefetch_for_write(p) requests the line holding p in a writable state
 * (PREFETCHW on x86-64, the compiler's write prefetch elsewhere), so that a
 * line last written by another CPU travels while the caller does other
 * work. A hint only: no fault, no ordering, any thread.
 */
#ifndef MASYNC_COMMON_PREFETCH_HPP
#define MASYNC_COMMON_PREFETCH_HPP

namespace masync
{

inline void prefetch_for_write(const void *p) noexcept
{
#if defined(__x86_64__)
	__asm__ __volatile__("prefetchw %0" : : "m"(*static_cast<const char *>(p)));
#else
	__builtin_prefetch(p, 1, 3);
#endif
}

} // namespace masync

#endif
