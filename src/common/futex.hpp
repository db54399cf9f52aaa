/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/futex.hpp -- sleeping on a 32-bit word (Linux futex), private to
 * the process.
 *
 * futex_wait() sleeps only if *word still equals `expected` when the kernel
 * looks (so a change made before the call is never slept through); it may
 * return early (signals, spurious wake-ups): callers re-check their
 * condition in a loop. futex_wake() wakes up to `count` sleepers. Neither
 * orders memory by itself: pair them with atomic loads/stores on the word.
 * Thread-safe; no allocation.
 */
#ifndef MASYNC_COMMON_FUTEX_HPP
#define MASYNC_COMMON_FUTEX_HPP

#include <atomic>
#include <cstdint>

namespace masync
{

/*
 * Sleeps while *word == expected, at most timeout_ns nanoseconds when
 * timeout_ns >= 0 (forever when negative). Returns false on time-out, true
 * otherwise (woken, value changed, or interrupted).
 */
bool futex_wait(std::atomic<std::uint32_t> *word, std::uint32_t expected,
                std::int64_t timeout_ns = -1) noexcept;

/* Wakes at most `count` threads sleeping on word. */
void futex_wake(std::atomic<std::uint32_t> *word, int count) noexcept;

/* Wakes every thread sleeping on word. */
void futex_wake_all(std::atomic<std::uint32_t> *word) noexcept;

} // namespace masync

#endif
