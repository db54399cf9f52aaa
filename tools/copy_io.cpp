/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "copy_io.hpp"
#include "tool.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace masync::tool
{

unique_mapping::unique_mapping(int fd, std::size_t length, std::uint64_t off,
                               const std::string &what)
{
	void *a = mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, off_t(off));
	if (a == MAP_FAILED)
		fail_errno("cannot map " + what, errno);
	addr = a;
	len = length;
	madvise(addr, len, MADV_SEQUENTIAL);
}

void unique_mapping::reset()
{
	if (addr != MAP_FAILED)
		munmap(addr, len);
	addr = MAP_FAILED;
	len = 0;
}

std::string in_quotes(const std::string &s)
{
	return "'" + s + "'";
}

parent_dir::parent_dir(const std::string &path)
{
	std::filesystem::path parent = std::filesystem::path(path).parent_path();
	if (parent.empty())
		parent = ".";
	fd_.fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd_.fd < 0)
		fail_errno("cannot open the directory of " + in_quotes(path) + " to sync it",
		           errno);
}

int parent_dir::sync() const noexcept
{
	if (fsync(fd_.fd) != 0 && errno != EINVAL && errno != EROFS)
		return errno;
	return 0;
}

allocator::allocator(int fd, std::uint64_t size, const std::string &dst)
    : fd_(fd), size_(size), dst_(dst)
{
	struct statfs sfs;
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC)
		enabled_ = false;
}

void allocator::ensure(std::uint64_t upto)
{
	upto = std::min(upto, size_);
	if (!enabled_ || upto <= done_)
		return;
	if (fallocate(fd_, 0, off_t(done_), off_t(upto - done_)) != 0) {
		int err = errno;
		if (err == EOPNOTSUPP || err == ENOSYS || err == EINVAL) {
			enabled_ = false;
			return;
		}
		if (err == ENOSPC || err == EDQUOT)
			throw failure("no space left on the device of " + in_quotes(dst_) +
			              " for " + human_bytes(double(size_)) + " (" +
			              std::strerror(err) + ")");
		fail_errno("cannot allocate space for " + in_quotes(dst_), err);
	}
	done_ = upto;
}

void check_free_space(int fd, const struct stat &st, std::uint64_t size, const std::string &dst)
{
	if (const char *skip = std::getenv("MASYNC_TOOL_TEST_SKIP_SPACE_CHECK");
	    skip != nullptr && std::strcmp(skip, "1") == 0)
		return;
	struct statvfs vfs;
	if (fstatvfs(fd, &vfs) != 0 || vfs.f_blocks == 0)
		return; /* nothing to go by: fallocate will tell */
	std::uint64_t have = std::uint64_t(st.st_blocks) * 512;
	std::uint64_t need = size > have ? size - have : 0;
	std::uint64_t avail = std::uint64_t(vfs.f_bavail) * vfs.f_frsize;
	if (need > avail)
		throw failure("no space left on the device of " + in_quotes(dst) + ": it needs " +
		              human_bytes(double(need)) + " more, " + human_bytes(double(avail)) +
		              " are free");
}

void verify(int dst_fd, const char *src, std::uint64_t size, const std::string &dst)
{
	struct stat st;
	if (fstat(dst_fd, &st) != 0)
		fail_errno("cannot stat " + in_quotes(dst) + " to verify it", errno);
	if (std::uint64_t(st.st_size) != size)
		throw failure("verification failed: " + in_quotes(dst) + " has " +
		              std::to_string(st.st_size) + " bytes, the source " +
		              std::to_string(size));
	std::vector<char> buf(std::size_t(8) << 20);
	std::uint64_t off = 0;
	while (off < size) {
		std::size_t want = std::size_t(std::min<std::uint64_t>(buf.size(), size - off));
		ssize_t got = pread(dst_fd, buf.data(), want, off_t(off));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			fail_errno("cannot read " + in_quotes(dst) + " back to verify it", errno);
		if (got == 0)
			throw failure("verification failed: " + in_quotes(dst) + " ends at byte " +
			              std::to_string(off));
		if (std::memcmp(buf.data(), src + off, std::size_t(got)) != 0) {
			std::size_t i = 0;
			while (buf[i] == src[off + i])
				++i;
			throw failure("verification failed: " + in_quotes(dst) +
			              " differs from the " + "source at byte " +
			              std::to_string(off + i));
		}
		off += std::uint64_t(got);
	}
}

void write_copy(int src_fd, int dst_fd, std::uint64_t size, std::size_t chunk,
                const copy_options &o, copy_report &r, progress &bar)
{
	std::uint64_t off = 0;
	bool cfr = true;
	while (off < size) {
		std::size_t want = std::size_t(std::min<std::uint64_t>(chunk, size - off));
		ssize_t n = -1;
		if (cfr) {
			loff_t in = loff_t(off), out = loff_t(off);
			n = copy_file_range(src_fd, &in, dst_fd, &out, want, 0);
			if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
			              errno == EOPNOTSUPP || errno == EBADF)) {
				cfr = false;
				continue;
			}
		} else {
			unique_mapping m(src_fd, want, off, "the source " + in_quotes(o.src));
			std::size_t done = 0;
			while (done < want) {
				ssize_t w = pwrite(dst_fd, m.bytes() + done, want - done,
				                   off_t(off + done));
				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0) {
					n = -1;
					break;
				}
				done += std::size_t(w);
			}
			if (done == want)
				n = ssize_t(want);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			if (err == ENOSPC || err == EDQUOT)
				throw failure("no space left on the device of " + in_quotes(o.dst) +
				              " (" + std::strerror(err) + ")");
			fail_errno("cannot write " + in_quotes(o.dst), err);
		}
		if (n == 0)
			throw failure("the source " + in_quotes(o.src) + " ended at byte " +
			              std::to_string(off) + " (truncated while copying?)");
		off += std::uint64_t(n);
		++r.futures;
		bar.update(off);
	}
	if (fsync(dst_fd) != 0)
		fail_errno("cannot sync " + in_quotes(o.dst), errno);
	r.method = std::string(cfr ? "copy_file_range(2)" : "pwrite(2) from a mapping of SRC") +
	           " in " + std::to_string(r.futures) + (r.futures == 1 ? " call" : " calls") +
	           " of up to " + human_bytes(double(chunk)) +
	           ", no mapping of DST (not DAX: a mapping buys nothing)";
	r.durability = "fsync, as msync would for PAGE granularity";
}

} // namespace masync::tool
