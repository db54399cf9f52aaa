/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/errormsg.hpp -- the per-thread "last error" message behind
 * pmem2_errormsg() and pmem2_perror().
 *
 * Contract
 *   Every public entry point that can fail calls err_clear() first, so
 *   after such a call the message is empty if it succeeded and describes
 *   its failure if it failed: never a leftover of an earlier call. Failing
 *   paths set the message with fail()/fail_errno(), which also return the
 *   code to hand back, so a failure cannot forget its message.
 *   Calls that cannot fail (pmem2_source_delete, pmem2_config_delete,
 *   pmem2_badblock_context_delete and the getters of valid objects) leave
 *   the message alone, so that cleaning up after a failure does not erase
 *   its description before the program prints it.
 *
 * Lifetime and thread safety
 *   The buffer is thread-local and static: the pointer pmem2_errormsg()
 *   returns stays valid for the life of the thread; its contents change with
 *   the thread's next libpmem2 call. No locks; async-signal-unsafe (uses
 *   vsnprintf).
 */
#ifndef MASYNC_PMEM2_ERRORMSG_HPP
#define MASYNC_PMEM2_ERRORMSG_HPP

#include <cstddef>

namespace masync::pmem2
{

/* Capacity of the message buffer, terminating NUL included. */
inline constexpr std::size_t errormsg_capacity = 1024;

/* Empties the calling thread's message. */
void err_clear() noexcept;

/* Sets the message (printf format) and returns code. */
[[gnu::format(printf, 2, 3)]] int fail(int code, const char *fmt, ...) noexcept;

/*
 * Sets the message to the formatted text followed by ": " and
 * strerror(errnum), and returns -errnum (errnum > 0).
 */
[[gnu::format(printf, 2, 3)]] int fail_errno(int errnum, const char *fmt, ...) noexcept;

/* Sets the message to the formatted text and strerror(errnum) (no return value). */
[[gnu::format(printf, 2, 3)]] void set_errno_message(int errnum, const char *fmt, ...) noexcept;

/* The calling thread's message buffer. */
const char *err_message() noexcept;

} // namespace masync::pmem2

#endif
