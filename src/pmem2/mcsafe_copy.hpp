/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/mcsafe_copy.hpp -- copying from or to mapped memory that may raise
 * SIGBUS (a poisoned cache line, a media error, a page past the end of a
 * file), without the process dying.
 *
 * How: for the duration of the copy a SIGBUS handler is installed
 * (sigaction, reference-counted across threads); the copy runs after
 * sigsetjmp, and a SIGBUS raised by *this thread while it copies* jumps
 * back and the copy reports PMEM2_E_IO_FAIL. Any other SIGBUS (another
 * thread, outside a copy) is passed on to the handler that was installed
 * before ours, or gets the default action (the process dies as it would
 * have without libpmem2). When no copy runs, the previous handler is back.
 *
 * Thread safety: any number of threads may copy at once. A program that
 * changes the SIGBUS disposition while a copy runs has its change undone
 * when the last concurrent copy ends.
 */
#ifndef MASYNC_PMEM2_MCSAFE_COPY_HPP
#define MASYNC_PMEM2_MCSAFE_COPY_HPP

#include <cstddef>

namespace masync::pmem2
{

/*
 * memcpy(dst, src, n), or PMEM2_E_IO_FAIL (with the error message set) if a
 * SIGBUS interrupted it; the destination is then partly written.
 */
int mcsafe_copy(void *dst, const void *src, std::size_t n) noexcept;

} // namespace masync::pmem2

#endif
