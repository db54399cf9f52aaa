/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/mem_isa.hpp -- the table of memory kernels one instruction set
 * provides, filled by the per-ISA files (memcpy_<isa>.cpp, memset_<isa>.cpp)
 * and read by the dispatcher (kernels.cpp). Internal to src/common.
 *
 * Every kernel is a store loop that ends with the store fence when its
 * `drain` argument says so and returns dst, so that the dispatcher's call
 * is a tail call (mem_copy.hpp, done()). Kernels are indexed by the line
 * write-back instruction they issue (flush_index): "none" kernels never
 * write back a line (BYTE/PAGE granularity, NOFLUSH); "counted" ones go
 * through the test hook.
 *
 * Kernel contracts (n >= 1, dst != src; a fence only when drain):
 *  - move_t: memmove with temporal stores; every cache line of the
 *    destination is written back exactly once, after its last store.
 *  - move_nt: memmove whose whole destination lines are written with
 *    non-temporal stores (not written back: they bypass the cache); the
 *    partial lines at either end use temporal stores and are written back
 *    once. Sizes too small for a whole line fall back to move_t.
 *  - set_t / set_nt: the same for memset.
 *  - All of them: when dst and n are multiples of 8, no store is narrower
 *    than 8 bytes.
 */
#ifndef MASYNC_COMMON_MEM_ISA_HPP
#define MASYNC_COMMON_MEM_ISA_HPP

#include <cstddef>

namespace masync::mem::detail
{

enum flush_index : unsigned {
	fi_none,
	fi_clflush,
	fi_clflushopt,
	fi_clwb,
	fi_counted,
	fi_count,
};

using move_fn = void *(*)(char *dst, const char *src, std::size_t n, bool drain);
using set_fn = void *(*)(char *dst, int c, std::size_t n, bool drain);

struct isa_table {
	move_fn move_t[fi_count];
	move_fn move_nt[fi_count];
	set_fn set_t[fi_count];
	set_fn set_nt[fi_count];
};

/* Each fills its half (move_* or set_*) of the table. */
void install_move_generic(isa_table &t);
void install_set_generic(isa_table &t);
#if defined(__x86_64__)
void install_move_sse2(isa_table &t);
void install_set_sse2(isa_table &t);
void install_move_avx(isa_table &t);
void install_set_avx(isa_table &t);
void install_move_avx512f(isa_table &t);
void install_set_avx512f(isa_table &t);
#endif

} // namespace masync::mem::detail

#endif
