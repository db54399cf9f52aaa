/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/mcsafe.cpp -- pmem2_source_pread_mcsafe, pmem2_source_pwrite_mcsafe
 * (see mcsafe.hpp for how each kind of source is accessed).
 *
 * Checks, in order (as PMDK 1.12.1): anonymous source ->
 * PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED; the source's size (its errors); a
 * range past the end of the source -> PMEM2_E_LENGTH_OUT_OF_RANGE. A
 * zero-byte transfer always succeeds once the source is known to be
 * readable. The file never grows: a write must fit in the current size.
 */
#include "pmem2/mcsafe.hpp"

#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/mcsafe_copy.hpp"
#include "pmem2/source.hpp"

#include "common/flush.hpp"

#include <cerrno>
#include <cstdint>
#include <sys/mman.h>
#include <unistd.h>

namespace masync::pmem2
{

mcsafe_io_hooks &mcsafe_io() noexcept
{
	static mcsafe_io_hooks hooks{::pread, ::pwrite};
	return hooks;
}

} // namespace masync::pmem2

using namespace masync::pmem2;

namespace
{

enum class direction { read, write };

const char *name_of(direction dir)
{
	return dir == direction::read ? "pmem2_source_pread_mcsafe" : "pmem2_source_pwrite_mcsafe";
}

/* Regular file: pread/pwrite until done; EIO is a media error. */
int file_io(direction dir, int fd, void *buf, std::size_t size, std::size_t offset)
{
	auto *p = static_cast<char *>(buf);
	while (size) {
		ssize_t n = dir == direction::read
		                ? mcsafe_io().pread(fd, p, size, static_cast<off_t>(offset))
		                : mcsafe_io().pwrite(fd, p, size, static_cast<off_t>(offset));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EIO)
				return fail(PMEM2_E_IO_FAIL,
				            "I/O error %s %zu bytes at offset %zu: possibly a bad "
				            "block (see pmem2_badblock_context_new)",
				            dir == direction::read ? "reading" : "writing", size,
				            offset);
			return fail_errno(errno, "%s of %zu bytes at offset %zu failed",
			                  dir == direction::read ? "pread" : "pwrite", size,
			                  offset);
		}
		if (n == 0)
			return fail(
			    PMEM2_E_LENGTH_OUT_OF_RANGE,
			    "the file ended at offset %zu while %zu more bytes were to be %s "
			    "(it shrank meanwhile)",
			    offset, size, dir == direction::read ? "read" : "written");
		p += n;
		size -= static_cast<std::size_t>(n);
		offset += static_cast<std::size_t>(n);
	}
	return 0;
}

/* Device DAX: map the pages covering the range and copy under the SIGBUS guard. */
int devdax_io(direction dir, const pmem2_source &src, void *buf, std::size_t size,
              std::size_t offset)
{
	std::size_t align;
	if (int ret = source_alignment(src, &align))
		return ret;
	std::size_t start = offset & ~(align - 1);
	std::size_t len = offset + size - start;
	len = (len + align - 1) & ~(align - 1);
	int prot = dir == direction::read ? PROT_READ : PROT_READ | PROT_WRITE;
	void *base = mmap(nullptr, len, prot, MAP_SHARED, src.fd, static_cast<off_t>(start));
	if (base == MAP_FAILED)
		return fail_errno(errno, "cannot map the Device DAX range at %zu (%zu bytes)",
		                  start, len);
	char *at = static_cast<char *>(base) + (offset - start);
	int ret;
	if (dir == direction::read) {
		ret = mcsafe_copy(buf, at, size);
	} else {
		ret = mcsafe_copy(at, buf, size);
		if (ret == 0) {
			masync::flush_range(at, size);
			masync::store_fence();
		}
	}
	munmap(base, len);
	return ret;
}

int transfer(direction dir, pmem2_source *src, void *buf, std::size_t size, std::size_t offset)
{
	err_clear();
	if (src == nullptr || (buf == nullptr && size != 0))
		return fail(-EINVAL, "%s: %s is NULL", name_of(dir), src ? "buf" : "src");
	if (src->kind == source_kind::anon)
		return fail(PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED,
		            "%s works on file sources only, not on anonymous memory", name_of(dir));

	std::size_t src_size;
	if (int ret = source_size(*src, &src_size))
		return ret;
	if (size == 0)
		return 0;
	if (offset > src_size || size > src_size - offset)
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE,
		            "%zu bytes at offset %zu go beyond the end of the source (size %zu)",
		            size, offset, src_size);

	if (src->ftype == file_kind::devdax)
		return devdax_io(dir, *src, buf, size, offset);
	return file_io(dir, src->fd, buf, size, offset);
}

} // namespace

PMEM2_EXPORT int pmem2_source_pread_mcsafe(struct pmem2_source *src, void *buf, size_t size,
                                           size_t offset)
{
	return transfer(direction::read, src, buf, size, offset);
}

PMEM2_EXPORT int pmem2_source_pwrite_mcsafe(struct pmem2_source *src, void *buf, size_t size,
                                            size_t offset)
{
	return transfer(direction::write, src, buf, size, offset);
}
