/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * miniasync/runtime_test_hooks.hpp -- internal instrumentation of the
 * runtime, for deterministic tests. Not part of any public interface (not
 * exported from the shared library; tests link the static one).
 *
 * before_sleep
 *   Called by a waiting thread after it has decided that none of its futures
 *   can progress and has announced that it sleeps, immediately before the
 *   futex call -- the exact window in which a wake used to get lost. A test
 *   can fire a waker from it and check that the wait still completes without
 *   sleeping through the wake (see runtime_stats.sleep_timeouts).
 *
 * runtime_stats
 *   Per-thread counters of what the calling thread's waits did. Cheap
 *   (thread-local, unsynchronized); read them on the thread that waited.
 *
 * Thread safety
 *   runtime_set_test_hooks may be called at any time; waits read the hook
 *   atomically. Hooks run on the waiting thread.
 */
#ifndef MASYNC_MINIASYNC_RUNTIME_TEST_HOOKS_HPP
#define MASYNC_MINIASYNC_RUNTIME_TEST_HOOKS_HPP

#include <cstdint>

namespace masync::detail
{

using runtime_hook_fn = void (*)(void *arg);

/* Installs (or with fn == nullptr removes) the before-sleep hook of every wait. */
void runtime_set_before_sleep_hook(runtime_hook_fn fn, void *arg) noexcept;

struct runtime_stats {
	std::uint64_t passes = 0;         /* polling passes over the futures */
	std::uint64_t sleeps = 0;         /* futex sleeps entered for waker futures */
	std::uint64_t sleep_timeouts = 0; /* of those, ended by the safety time-out */
	std::uint64_t sleep_rechecks = 0; /* of those, ended by a shorter bound (re-check) */
	std::uint64_t backoff_waits = 0;  /* back-off steps for NONE/POLLER futures */
};

/*
 * For waits on the calling thread: the safety time-out of a sleep waiting for
 * a waker. ns > 0: that many ns; ns < 0: none (the sleep ends only by a wake,
 * so a lost wake hangs the wait -- what a stress test wants); 0: the runtime's.
 */
void runtime_set_thread_waker_timeout(std::int64_t ns) noexcept;

/* The calling thread's counters since it started (or since the last reset). */
runtime_stats runtime_thread_stats() noexcept;
void runtime_reset_thread_stats() noexcept;

} // namespace masync::detail

#endif
