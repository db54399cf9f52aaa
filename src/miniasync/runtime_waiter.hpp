/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * miniasync/runtime_waiter.hpp -- what a runtime wait sleeps on and what its
 * wakers poke: one record per thread.
 *
 * What it is
 *   A `waiter` holds a wake sequence number. The waker the runtime hands to
 *   futures (waiter_wake with the waiter as data) increments it and, if the
 *   owning thread announced that it sleeps, wakes it with a futex. A wait reads
 *   the sequence before it polls its futures; it sleeps only while the
 *   sequence still has that value, so a wake that happens at any time after
 *   the read -- during the polls, during the spin, right before the futex
 *   call -- is never lost: at worst it costs one more pass.
 *
 * Lifetime
 *   Futures may call a waker long after the wait that gave it out returned
 *   (a mover finishing late, a future dropped while RUNNING). So waiters are
 *   never freed: this_thread_waiter() hands each thread one from a process-
 *   wide registry and gives it back for reuse when the thread exits. A late
 *   wake on a recycled waiter is a spurious wake for its new owner, which a
 *   wait tolerates by design (it re-polls and goes back to sleep).
 *
 * Thread safety and ordering
 *   waiter_wake may be called from any thread, concurrently. Normally only
 *   the owning thread sleeps on its waiter (see this_thread_waiter for the
 *   exception); waiter_wake wakes every sleeper. The sequence increment and the `sleeping`
 *   flag use sequentially consistent operations on both sides (store flag /
 *   load sequence in the sleeper, increment sequence / load flag in the
 *   waker), so either the sleeper sees the new sequence or the waker sees the
 *   flag and calls futex_wake; the futex itself re-checks the value.
 *   The increment has release semantics and the sleeper's load acquire
 *   semantics: what a future published before calling the waker is visible
 *   to the pass that follows.
 */
#ifndef MASYNC_MINIASYNC_RUNTIME_WAITER_HPP
#define MASYNC_MINIASYNC_RUNTIME_WAITER_HPP

#include <atomic>
#include <cstdint>

namespace masync::detail
{

struct alignas(64) waiter {
	std::atomic<std::uint32_t> seq{0};      /* bumped by every wake */
	std::atomic<std::uint32_t> sleeping{0}; /* threads (about to be) in futex_wait */
	waiter *next_free = nullptr;
	waiter *next_all = nullptr;
	/*
	 * Owner-thread state, not touched by wakers: how long the last
	 * `history` waits for a waker took, from the start of the spin to the
	 * moment the wake was seen, in microseconds rounded up (0: no such wait
	 * yet; UINT16_MAX: 65.5 ms or more). The runtime derives its spin budget
	 * from them (runtime.cpp). It shares the wakers' cache line on purpose:
	 * the whole waiter is one line (static_assert below). With the history
	 * on a second line of its own, the threads mover's 4 KiB round trip
	 * (bench_threads_latency trip) took ~0.2 us longer at p50 (1.02-1.25
	 * against 0.85-0.94 us, same runs), probably because the CPU's
	 * adjacent-line prefetch pairs the two lines, so the owner's write after
	 * each wake hit a line the waker's side had pulled in.
	 */
	static constexpr unsigned history = 16;
	std::uint16_t arrival_us[history] = {};
	std::uint32_t arrival_next = 0;

	void note_arrival(std::uint64_t ns) noexcept
	{
		const std::uint64_t us = ns / 1000 + (ns % 1000 != 0);
		arrival_us[arrival_next] =
		    us > UINT16_MAX ? std::uint16_t(UINT16_MAX) : static_cast<std::uint16_t>(us);
		arrival_next = (arrival_next + 1) % history;
	}
	void forget_arrivals() noexcept
	{
		for (auto &a : arrival_us)
			a = 0;
		arrival_next = 0;
	}
};

static_assert(sizeof(waiter) == 64, "a waiter is one cache line (see arrival_us)");

/* The waker function: `data` is a waiter. Safe to call at any time, from any thread. */
void waiter_wake(void *data) noexcept;

/*
 * The calling thread's waiter (created on its first wait, recycled when the
 * thread exits). If no memory can be had for one, a process-wide shared
 * waiter is returned instead (its wakes then reach every thread using it:
 * more spurious wakes, still no lost ones). Never nullptr.
 */
waiter *this_thread_waiter() noexcept;

} // namespace masync::detail

#endif
