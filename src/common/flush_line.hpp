/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/flush_line.hpp -- one cache-line write-back, as a policy type the
 * memory kernels are instantiated with (one instantiation per instruction, so
 * the choice is made once per operation, never per line).
 *
 * Each policy has `static void line(const void *p)`: writes back the line
 * holding p. The asm has a memory clobber, so the compiler keeps every
 * earlier store to the line before it; the CPU orders CLWB/CLFLUSHOPT after
 * older stores to the same line. None of them orders anything else: a fence
 * (store_fence) does.
 */
#ifndef MASYNC_COMMON_FLUSH_LINE_HPP
#define MASYNC_COMMON_FLUSH_LINE_HPP

#include "common/persistence_checker_hooks.hpp"

namespace masync
{
void flush_line_counted(const void *addr);
}

namespace masync::detail
{

struct flush_none {
	static constexpr bool flushes = false;
	static void line(const void *) {}
};

#if defined(__x86_64__)
struct flush_clflush {
	static constexpr bool flushes = true;
	static void line(const void *p)
	{
		__asm__ __volatile__("clflush %0"
		                     :
		                     : "m"(*static_cast<const volatile char *>(p))
		                     : "memory");
		persistence_checker::note_flush(p, 1);
	}
};

struct flush_clflushopt {
	static constexpr bool flushes = true;
	static void line(const void *p)
	{
		__asm__ __volatile__("clflushopt %0"
		                     :
		                     : "m"(*static_cast<const volatile char *>(p))
		                     : "memory");
		persistence_checker::note_flush(p, 1);
	}
};

struct flush_clwb {
	static constexpr bool flushes = true;
	static void line(const void *p)
	{
		__asm__ __volatile__("clwb %0"
		                     :
		                     : "m"(*static_cast<const volatile char *>(p))
		                     : "memory");
		persistence_checker::note_flush(p, 1);
	}
};
#else
using flush_clflush = flush_none;
using flush_clflushopt = flush_none;
using flush_clwb = flush_none;
#endif

/* The test path: the chosen instruction plus a count (common/test_hook.hpp). */
struct flush_counted {
	static constexpr bool flushes = true;
	static void line(const void *p) { flush_line_counted(p); }
};

} // namespace masync::detail

#endif
