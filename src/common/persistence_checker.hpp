/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/persistence_checker.hpp -- a test-build tracker that checks that
 * every asynchronous pmem2 operation is durable when its future completes.
 *
 * What it is
 *   When the project is configured with -DMASYNC_PERSISTENCE_CHECKER=ON,
 *   masync's persistence primitives report what they do here (through
 *   persistence_checker_hooks.hpp): cache-line
 *   write-backs (note_flush), non-temporal stores (note_nt_store), store
 *   fences (note_fence) and msync (note_msync). The async API registers each
 *   operation's destination range when it creates the future (op_begin) and
 *   asks for a verdict when the future completes (op_end). A range that is
 *   not durable under the map's granularity is a violation: it is printed to
 *   stderr at once, with the operation and the range, and kept for tests
 *   (violations()).
 *   Without the option every function below is an empty inline function
 *   and op_begin returns 0: release builds carry no cost at all.
 *
 * The model (what "durable at completion" means here)
 *   Time is a global sequence number; op_begin takes a fresh one (s0).
 *   - A write-back or non-temporal store by thread T is pending until T
 *     executes a fence; the fence makes it durable (SFENCE orders only the
 *     issuing thread's write-backs and streaming stores).
 *   - msync makes its whole range durable at once (it is synchronous).
 *   - PAGE: every page touched by the range was msync'ed after s0.
 *   - CACHE_LINE: every line touched by the range was written back (or
 *     streamed) after s0 and that write-back was fenced by its thread, or
 *     the line was msync'ed after s0.
 *   - BYTE: the thread that completes the future fenced after s0 (stores
 *     reach the persistence domain once they leave the store buffer; a sync
 *     mover stores on that very thread, an asynchronous one publishes its
 *     completion with release/acquire, after which its temporal stores are
 *     globally visible), and no non-temporal store into the range made after
 *     s0 is still unfenced on any thread.
 *   Plain temporal stores are not observed: the checker assumes the
 *   operation stored its data between op_begin and op_end. It judges the
 *   flushes and fences that followed.
 *
 * Limits
 *   The state lives in masync_common, which is built into each library: the
 *   shared libraries have one checker each. Tests link the static libraries,
 *   which share one. Per-line state costs 8 bytes per 64 bytes of each map
 *   that operations ran on, allocated the first time an operation runs on a
 *   map.
 *
 * Thread safety
 *   Everything is thread-safe. Write-backs and streaming stores go to a
 *   per-thread list (a per-thread lock, uncontended); fences, msync and the
 *   op_* calls take one global lock.
 */
#ifndef MASYNC_COMMON_PERSISTENCE_CHECKER_HPP
#define MASYNC_COMMON_PERSISTENCE_CHECKER_HPP

#include "common/persistence_checker_hooks.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace masync::persistence_checker
{

/* Granularities, with the values of enum pmem2_granularity. */
enum class granularity : int { byte = 0, cache_line = 1, page = 2 };

/* One range found not durable when its operation completed. */
struct violation {
	std::string operation; /* e.g. "pmem2_memcpy_async" */
	std::uintptr_t begin;  /* the operation's destination range */
	std::uintptr_t end;
	std::uintptr_t first_bad; /* first byte found not durable */
	granularity gran;
	std::string reason;
};

#ifdef MASYNC_PERSISTENCE_CHECKER

/*
 * Starts tracking an operation that will write [dest, dest + len) inside
 * the map [map_addr, map_addr + map_len). `operation` must be a string
 * literal. Returns its id (never 0).
 */
std::uint64_t op_begin(const char *operation, const void *map_addr, std::size_t map_len,
                       const void *dest, std::size_t len, granularity g) noexcept;

/*
 * Ends tracking of id (0 is ignored). With `completed`, checks the range
 * first and records a violation if it is not durable; without, the
 * operation wrote nothing (it failed) and is simply forgotten.
 */
void op_end(std::uint64_t id, bool completed) noexcept;

/* The violations found so far, and how many. */
std::vector<violation> violations();
std::size_t violation_count() noexcept;

/* Forgets the violations found so far. */
void clear_violations() noexcept;

#else

inline std::uint64_t op_begin(const char *, const void *, std::size_t, const void *, std::size_t,
                              granularity) noexcept
{
	return 0;
}
inline void op_end(std::uint64_t, bool) noexcept {}
inline std::vector<violation> violations()
{
	return {};
}
inline std::size_t violation_count() noexcept
{
	return 0;
}
inline void clear_violations() noexcept {}

#endif

} // namespace masync::persistence_checker

#endif
