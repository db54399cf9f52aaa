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
 *   fences (note_fence) and msync (note_msync). The async API notes when
 *   each operation begins (op_begin, when it creates the future) and asks for
 *   a verdict on its destination range when the future completes
 *   (op_complete; a failed operation wrote nothing and is not judged). A range that is
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
 *   operation stored its data between op_begin and op_complete. It judges the
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
 *   Everything is thread-safe and scales with threads: write-backs and
 *   streaming stores go to a per-thread list (a per-thread lock, uncontended);
 *   fences and msync raise per-line atomic marks; the maps' state is found
 *   under a reader lock (taken exclusively only when a new map appears);
 *   only a violation takes a global lock.
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

/* An operation the checker judges: what it writes, in which map. */
struct operation {
	const char *name; /* a string literal, e.g. "pmem2_memcpy_async" */
	const void *map_addr;
	std::size_t map_len;
	const void *dest; /* it writes [dest, dest + len) */
	std::size_t len;
	granularity gran; /* the map's */
};

#ifdef MASYNC_PERSISTENCE_CHECKER

/*
 * An operation is about to write: returns the moment it began (its id,
 * never 0). Write-backs, fences and msyncs count for it from then on.
 */
std::uint64_t op_begin(const operation &op) noexcept;

/*
 * The operation begun at `id` (0 is ignored) reports completion: checks that
 * its range is durable and records a violation if not.
 */
void op_complete(std::uint64_t id, const operation &op) noexcept;

/* The violations found so far, and how many. */
std::vector<violation> violations();
std::size_t violation_count() noexcept;

/* Forgets the violations found so far. */
void clear_violations() noexcept;

#else

inline std::uint64_t op_begin(const operation &) noexcept
{
	return 0;
}
inline void op_complete(std::uint64_t, const operation &) noexcept {}
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
