/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/copy_io.hpp -- the file side of a copy (copy.hpp): owners of file
 * descriptors and mappings, DST's free space and blocks, the directory
 * sync, the read-back verification, and the copy the kernel does where a
 * mapping of DST buys nothing (write_copy).
 *
 * Every function throws `failure` with a message for people. Not
 * thread-safe: one copy at a time.
 */
#ifndef MASYNC_TOOLS_COPY_IO_HPP
#define MASYNC_TOOLS_COPY_IO_HPP

#include "copy.hpp"
#include "progress.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace masync::tool
{

/* Owns a file descriptor (-1: none). */
struct unique_fd {
	int fd = -1;
	unique_fd() = default;
	explicit unique_fd(int f) : fd(f) {}
	unique_fd(const unique_fd &) = delete;
	unique_fd &operator=(const unique_fd &) = delete;
	~unique_fd()
	{
		if (fd >= 0)
			close(fd);
	}
};

/* A read-only shared mapping of [off, off + len) of fd, owned (addr MAP_FAILED: none). */
struct unique_mapping {
	void *addr = MAP_FAILED;
	std::size_t len = 0;
	unique_mapping() = default;
	/* Maps; throws failure naming `what` when mmap fails. */
	unique_mapping(int fd, std::size_t length, std::uint64_t off, const std::string &what);
	unique_mapping(const unique_mapping &) = delete;
	unique_mapping &operator=(const unique_mapping &) = delete;
	unique_mapping &operator=(unique_mapping &&o) noexcept
	{
		if (this != &o) {
			reset();
			addr = std::exchange(o.addr, MAP_FAILED);
			len = std::exchange(o.len, 0);
		}
		return *this;
	}
	~unique_mapping() { reset(); }
	void reset();
	const char *bytes() const { return static_cast<const char *>(addr); }
};

/* Removes the temporary file unless it was renamed over DST. */
struct tmp_cleanup {
	std::string path;
	bool armed = false;
	~tmp_cleanup()
	{
		if (armed)
			unlink(path.c_str());
	}
};

/* 'text' */
std::string in_quotes(const std::string &s);

/*
 * The directory holding `path`, open, so that a new entry in it can be made
 * durable after a rename with nothing left that allocates or can fail but
 * the fsync itself. The constructor throws failure.
 */
class parent_dir
{
      public:
	explicit parent_dir(const std::string &path);
	/* fsync(2) of the directory: 0, or the errno (EINVAL/EROFS count as done). */
	int sync() const noexcept;

      private:
	unique_fd fd_;
};

/*
 * Allocates DST's blocks ahead of the copy with fallocate(2), so that a full
 * device is reported as ENOSPC here instead of a SIGBUS in a mover. Where
 * the file system cannot preallocate, the free-space check before the copy
 * is all there is (and the SIGBUS handler). Not on tmpfs: its fallocate
 * allocates every page up front on this thread (the write faults would
 * allocate them anyway, in parallel on the movers' threads), and a page
 * fallocated there is still zeroed when it is first mapped; the free-space
 * check covers it.
 */
class allocator
{
      public:
	allocator(int fd, std::uint64_t size, const std::string &dst);
	/* Makes sure [0, upto) is allocated. */
	void ensure(std::uint64_t upto);

      private:
	int fd_;
	std::uint64_t size_;
	std::string dst_;
	std::uint64_t done_ = 0;
	bool enabled_ = true;
};

/*
 * Fails when DST's file system has less free space than the copy needs. The
 * tool tests set MASYNC_TOOL_TEST_SKIP_SPACE_CHECK=1 to reach what stands
 * behind it on tmpfs (where nothing is preallocated): the SIGBUS handler.
 */
void check_free_space(int fd, const struct stat &st, std::uint64_t size, const std::string &dst);

/* Reads DST back with pread and compares it with src[0, size). */
void verify(int dst_fd, const char *src, std::uint64_t size, const std::string &dst);

/*
 * The copy for a destination that is not DAX (PAGE granularity: the page
 * cache stands between the mapping and the device, and durability is
 * msync, i.e. writing the dirty pages back, as fsync does). Mapping DST buys
 * nothing there and costs a page fault per page (measured: most of the
 * time of a mapped copy on tmpfs), so the kernel copies: copy_file_range(2)
 * in chunks (splice on tmpfs, reflink or server-side copy where the file
 * system has them), else pwrite(2) from a mapping of SRC. fsync afterwards.
 */
void write_copy(int src_fd, int dst_fd, std::uint64_t size, std::size_t chunk,
                const copy_options &o, copy_report &r, progress &bar);

} // namespace masync::tool

#endif
