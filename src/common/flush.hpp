/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/flush.hpp -- writing CPU cache lines back to memory, and fences.
 *
 * flush_range() writes back every cache line that [addr, addr + len) touches
 * with the instruction chosen once per process (flush_instruction()): CLWB,
 * else CLFLUSHOPT, else CLFLUSH, minus those disabled by PMEM_NO_CLWB=1 and
 * PMEM_NO_CLFLUSHOPT=1 (read once, at the first use). It does not order
 * anything: call store_fence() afterwards to make the write-backs (and any
 * non-temporal stores) complete before later stores.
 * All functions are thread-safe, lock-free and make no system call.
 * store_fence() is the project's one store fence: kernels, movers and
 * libpmem2 all fence through it. Both flush_range and store_fence are
 * counted by common/test_hook.hpp.
 */
#ifndef MASYNC_COMMON_FLUSH_HPP
#define MASYNC_COMMON_FLUSH_HPP

#include "common/persistence_checker_hooks.hpp"
#include "common/test_hook.hpp"

#include <atomic>
#include <cstddef>

namespace masync
{

inline constexpr std::size_t cache_line_size = 64;

/* The cache-line write-back instructions, weakest ordering first is not implied. */
enum class flush_kind : unsigned char {
	none,       /* no instruction available (not x86-64) */
	clflush,    /* CLFLUSH: evicts, ordered with other CLFLUSHes and stores */
	clflushopt, /* CLFLUSHOPT: evicts, weakly ordered (needs SFENCE) */
	clwb,       /* CLWB: may keep the line cached, weakly ordered */
};

/* The instruction flush_range() and the memory kernels use (see above). */
flush_kind flush_instruction();
const char *flush_kind_name(flush_kind k);

/* Writes back the cache lines of [addr, addr + len). len == 0 does nothing. */
void flush_range(const void *addr, std::size_t len);

/* Writes back the one cache line holding addr, counting it (test path). */
void flush_line_counted(const void *addr);

/* Orders earlier stores, flushes and non-temporal stores before later stores (SFENCE). */
inline void store_fence()
{
	/* Read before the fence: no load waits behind it (see mem_copy.hpp's done()). */
	const bool counting = test_hook::active();
#if defined(__x86_64__)
	__asm__ __volatile__("sfence" ::: "memory");
#else
	std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
	if (counting) [[unlikely]]
		test_hook::count_fence_now();
	persistence_checker::note_fence(); /* nothing unless built with the checker */
}

} // namespace masync

#endif
