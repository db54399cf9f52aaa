/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/mcsafe.hpp -- internals of pmem2_source_pread_mcsafe/_pwrite_mcsafe.
 *
 * Regular files are read and written with pread/pwrite: the kernel copies
 * machine-check-safely and reports a media error as EIO, which becomes
 * PMEM2_E_IO_FAIL. Device DAX has no read/write: the range is mapped and
 * copied with mcsafe_copy() (a SIGBUS becomes PMEM2_E_IO_FAIL).
 *
 * mcsafe_io_hooks lets tests stand in for pread/pwrite (to make them fail
 * with EIO, which no file on an ordinary machine does on demand). It is a
 * process-wide setting, for tests only; not synchronised.
 */
#ifndef MASYNC_PMEM2_MCSAFE_HPP
#define MASYNC_PMEM2_MCSAFE_HPP

#include <sys/types.h>

namespace masync::pmem2
{

struct mcsafe_io_hooks {
	ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
};

/* The functions regular-file I/O goes through (::pread, ::pwrite by default). */
mcsafe_io_hooks &mcsafe_io() noexcept;

} // namespace masync::pmem2

#endif
