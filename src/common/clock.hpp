/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/clock.hpp -- the monotonic clock of the libraries' waiting loops.
 *
 * now_ns() is steady_clock in nanoseconds (clock_gettime(CLOCK_MONOTONIC)
 * through the vDSO: ~30 ns, no system call on Linux/x86-64). Callers in
 * spin loops read it every few dozen iterations, never per iteration.
 * Stateless; any thread.
 */
#ifndef MASYNC_COMMON_CLOCK_HPP
#define MASYNC_COMMON_CLOCK_HPP

#include <chrono>
#include <cstdint>

namespace masync
{

inline std::uint64_t now_ns() noexcept
{
	return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
	                                      std::chrono::steady_clock::now().time_since_epoch())
	                                      .count());
}

} // namespace masync

#endif
