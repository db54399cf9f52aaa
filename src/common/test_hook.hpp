/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/test_hook.hpp -- counts of the persistence instructions masync
 * executes, so tests can check that an operation did exactly the work its
 * contract promises (e.g. one line write-back per touched cache line and one
 * fence for a CACHE_LINE persist, a fence and no write-back at BYTE).
 *
 * Always compiled in. While counting is off (the default) the only cost is
 * one relaxed load and a predictable branch per call of an entry point
 * (memory operation, flush_range, store_fence, page sync), never per line.
 * While it is on, line write-backs go through a slower counting path.
 *
 * Counting is process-wide: start() resets the counters and turns counting
 * on, stop() turns it off and returns what was counted in between, from
 * every thread. Meant for single-threaded tests; the counters are relaxed
 * atomics, so concurrent use is safe but the totals are only exact once the
 * counting threads have synchronised with the one calling stop().
 */
#ifndef MASYNC_COMMON_TEST_HOOK_HPP
#define MASYNC_COMMON_TEST_HOOK_HPP

#include <atomic>
#include <cstdint>

namespace masync::test_hook
{

struct counts {
	std::uint64_t flushes = 0; /* CLWB / CLFLUSHOPT / CLFLUSH instructions */
	std::uint64_t fences = 0;  /* SFENCE (store_fence) */
	std::uint64_t syncs = 0;   /* msync calls (PAGE granularity) */
};

void start();
counts stop();

namespace detail
{
extern std::atomic<bool> on;
extern std::atomic<std::uint64_t> flushes, fences, syncs;
} // namespace detail

inline bool active()
{
	return detail::on.load(std::memory_order_relaxed);
}

inline void count_flush()
{
	detail::flushes.fetch_add(1, std::memory_order_relaxed);
}

/* The caller checked active() (store_fence reads it before its SFENCE). */
inline void count_fence_now()
{
	detail::fences.fetch_add(1, std::memory_order_relaxed);
}

inline void count_sync()
{
	if (active())
		detail::syncs.fetch_add(1, std::memory_order_relaxed);
}

} // namespace masync::test_hook

#endif
