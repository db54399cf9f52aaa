/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/flush.hpp -- writing CPU cache lines back to memory, and fences.
 *
 * flush_range() writes back every cache line that [addr, addr + len) touches
 * with the best instruction the CPU has (CLWB, else CLFLUSHOPT, else
 * CLFLUSH); it does not order anything: call store_fence() afterwards to make
 * the write-backs (and any non-temporal stores) complete before later stores.
 * Both are thread-safe and take no locks.
 */
#ifndef MASYNC_COMMON_FLUSH_HPP
#define MASYNC_COMMON_FLUSH_HPP

#include <cstddef>

namespace masync
{

inline constexpr std::size_t cache_line_size = 64;

/* Writes back the cache lines of [addr, addr + len). len == 0 does nothing. */
void flush_range(const void *addr, std::size_t len);

/* Orders earlier stores, flushes and non-temporal stores before later stores (SFENCE). */
inline void store_fence()
{
#if defined(__x86_64__)
	__asm__ __volatile__("sfence" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

} // namespace masync

#endif
