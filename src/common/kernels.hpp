/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/kernels.hpp -- the project's one set of memory kernels: copy, move
 * and fill a destination that may be persistent memory, with or without
 * writing its cache lines back and fencing. libpmem2's memcpy/memmove/memset
 * functions and the movers (VDM_F_MEM_DURABLE, VDM_F_NO_CACHE_HINT) call
 * these; nothing else in the project has its own copy loop.
 *
 * Choice of kernel: made once per process, at the first call, from cpu()
 * (AVX-512F, else AVX, else SSE2, else portable; CLWB, else CLFLUSHOPT,
 * else CLFLUSH) and the environment, read then and never again:
 *   PMEM_AVX512F=0, PMEM_AVX=0   do not use that instruction set
 *   MASYNC_MEM_ISA=generic|sse2|avx|avx512f   use that one, or the best
 *                                the CPU has below it (tests)
 *   PMEM_NO_CLWB=1, PMEM_NO_CLFLUSHOPT=1   do not use that write-back
 *   PMEM_NO_MOVNT=1              never use non-temporal stores
 *   PMEM_MOVNT_THRESHOLD=n       size from which non-temporal stores are the
 *                                default (movnt_threshold())
 *
 * Flags (same bits as PMEM2_F_MEM_*, so libpmem2 passes its flags through):
 *   0            (default) flush as you go: each destination cache line is
 *                written back once, right after its last store (or, for
 *                sizes >= movnt_threshold(), stored non-temporally, which
 *                needs no write-back); then one store fence. On return the
 *                data is durable on a CACHE_LINE-granularity platform.
 *   nodrain      skip the final fence (call store_fence() later).
 *   noflush      plain temporal stores, no write-back, no fence: memmove /
 *                memset that keeps the 8-byte-store guarantee.
 *   no_line_flush  (masync only) never write back lines, but still choose
 *                temporal or non-temporal stores and fence (unless nodrain):
 *                for BYTE granularity, PAGE granularity (msync follows) and
 *                cache-bypassing copies that need no durability.
 *   nontemporal / wc   prefer non-temporal stores whatever the size.
 *   temporal / wb      prefer temporal stores whatever the size.
 *   The hints are ignored when non-temporal stores are unavailable or
 *   disabled, and with noflush (which always stores temporally).
 *
 * For the movers (vdm flags -> flags here):
 *   none                                  noflush (a plain memmove/memset)
 *   VDM_F_MEM_DURABLE                     0
 *   VDM_F_NO_CACHE_HINT                   nontemporal | no_line_flush
 *   VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT   nontemporal
 *   and a VDM flush operation is flush() + store_fence().
 *
 * Guarantees: copy and move are both safe for any overlap; n == 0 or
 * dst == src (for copy/move) does nothing at all; the return value is dst;
 * when dst and n are multiples of 8, every store is at least 8 bytes wide.
 * Non-temporal stores are only ordered by the fence: with nodrain, the caller
 * must store_fence() (common/flush.hpp) before relying on them.
 *
 * Thread safety: all functions may be called concurrently; none allocates,
 * locks or makes a system call (the first call reads the environment).
 */
#ifndef MASYNC_COMMON_KERNELS_HPP
#define MASYNC_COMMON_KERNELS_HPP

#include <cstddef>

namespace masync::mem
{

inline constexpr unsigned nodrain = 1u << 0;
inline constexpr unsigned nontemporal = 1u << 1;
inline constexpr unsigned temporal = 1u << 2;
inline constexpr unsigned wc = 1u << 3;
inline constexpr unsigned wb = 1u << 4;
inline constexpr unsigned noflush = 1u << 5;
inline constexpr unsigned no_line_flush = 1u << 8;

void *copy(void *dst, const void *src, std::size_t n, unsigned flags);
void *move(void *dst, const void *src, std::size_t n, unsigned flags);
void *set(void *dst, int c, std::size_t n, unsigned flags);

/*
 * Whether copy/move/set of n bytes with these flags would use non-temporal
 * stores (so a caller that passed nodrain knows whether it must fence
 * before handing the memory to someone else, e.g. msync).
 */
bool stores_nt(std::size_t n, unsigned flags);

/* Writes back the lines of [addr, addr + n) (flush_range), no fence. */
void flush(const void *addr, std::size_t n);

/* What the process chose (for tests, benchmarks and diagnostics). */
struct choice {
	const char *isa;          /* "avx512f", "avx", "sse2" or "generic" */
	const char *flush;        /* "clwb", "clflushopt", "clflush" or "none" */
	bool movnt;               /* non-temporal stores available and allowed */
	std::size_t nt_threshold; /* default non-temporal from this size on */
};
const choice &chosen();

/* The default non-temporal threshold (bytes) when PMEM_MOVNT_THRESHOLD is unset. */
inline constexpr std::size_t default_movnt_threshold = 256;

} // namespace masync::mem

#endif
