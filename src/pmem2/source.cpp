/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/source.cpp -- data sources: pmem2_source_from_fd, _from_anon,
 * _get_fd, _size, _alignment, _delete.
 *
 * Checks of pmem2_source_from_fd, in order (as PMDK 1.12.1):
 *   fd < 0 or not open                 PMEM2_E_INVALID_FILE_HANDLE
 *   opened O_WRONLY                    PMEM2_E_INVALID_FILE_HANDLE
 *   directory, FIFO, socket, block dev PMEM2_E_INVALID_FILE_TYPE
 *   character device but not DAX      PMEM2_E_INVALID_FILE_TYPE
 */
#include "pmem2/source.hpp"

#include "pmem2/devdax.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"

#include <cerrno>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>

namespace masync::pmem2
{

std::size_t page_size() noexcept
{
	static const std::size_t size = [] {
		long v = sysconf(_SC_PAGESIZE);
		return v > 0 ? static_cast<std::size_t>(v) : std::size_t{4096};
	}();
	return size;
}

namespace
{

/* fstat() on a source's descriptor, with libpmem2's error codes. */
int stat_fd(int fd, struct stat *st) noexcept
{
	if (fstat(fd, st) == 0)
		return 0;
	if (errno == EBADF)
		return fail(PMEM2_E_INVALID_FILE_HANDLE,
		            "file descriptor %d is not open (was it closed after "
		            "pmem2_source_from_fd?)",
		            fd);
	return fail_errno(errno, "fstat of file descriptor %d failed", fd);
}

} // namespace

int source_size(const pmem2_source &src, std::size_t *size) noexcept
{
	if (src.kind == source_kind::anon) {
		*size = src.anon_size;
		return 0;
	}
	struct stat st;
	if (int ret = stat_fd(src.fd, &st))
		return ret;
	if (src.ftype == file_kind::devdax)
		return devdax_size(src.st_rdev, size);
	if (st.st_size < 0)
		return fail(PMEM2_E_INVALID_FILE_HANDLE,
		            "the kernel reports a negative size (%lld) "
		            "for file descriptor %d",
		            static_cast<long long>(st.st_size), src.fd);
	*size = static_cast<std::size_t>(st.st_size);
	return 0;
}

int source_alignment(const pmem2_source &src, std::size_t *alignment) noexcept
{
	std::size_t align = page_size();
	if (src.kind == source_kind::fd && src.ftype == file_kind::devdax) {
		if (int ret = devdax_alignment(src.st_rdev, &align))
			return ret;
	}
	if (align == 0 || (align & (align - 1)) != 0)
		return fail(PMEM2_E_INVALID_ALIGNMENT_VALUE,
		            "the alignment the kernel reports (%zu) is not a power of two", align);
	*alignment = align;
	return 0;
}

} // namespace masync::pmem2

using namespace masync::pmem2;

PMEM2_EXPORT int pmem2_source_from_fd(struct pmem2_source **src, int fd)
{
	err_clear();
	if (src == nullptr)
		return fail(-EINVAL,
		            "pmem2_source_from_fd: src (where to store the source) is NULL");
	*src = nullptr;

	if (fd < 0)
		return fail(PMEM2_E_INVALID_FILE_HANDLE, "invalid file descriptor %d", fd);

	int flags = fcntl(fd, F_GETFL);
	if (flags == -1) {
		if (errno == EBADF)
			return fail(PMEM2_E_INVALID_FILE_HANDLE, "file descriptor %d is not open",
			            fd);
		return fail_errno(errno, "fcntl(F_GETFL) on file descriptor %d failed", fd);
	}
	if ((flags & O_ACCMODE) == O_WRONLY)
		return fail(
		    PMEM2_E_INVALID_FILE_HANDLE,
		    "file descriptor %d is open write-only; open it with O_RDONLY or O_RDWR", fd);

	struct stat st;
	if (fstat(fd, &st) != 0) {
		if (errno == EBADF)
			return fail(PMEM2_E_INVALID_FILE_HANDLE, "file descriptor %d is not open",
			            fd);
		return fail_errno(errno, "fstat of file descriptor %d failed", fd);
	}

	file_kind ftype;
	if (S_ISREG(st.st_mode)) {
		ftype = file_kind::regular;
	} else if (S_ISCHR(st.st_mode)) {
		if (int ret = devdax_check(st.st_rdev))
			return ret;
		ftype = file_kind::devdax;
	} else {
		const char *what = S_ISDIR(st.st_mode)    ? "a directory"
		                   : S_ISFIFO(st.st_mode) ? "a FIFO or pipe"
		                   : S_ISSOCK(st.st_mode) ? "a socket"
		                   : S_ISBLK(st.st_mode)  ? "a block device"
		                                          : "of an unknown type";
		return fail(PMEM2_E_INVALID_FILE_TYPE,
		            "file descriptor %d refers to %s; only regular files and Device DAX "
		            "can be mapped",
		            fd, what);
	}

	auto *s = new (std::nothrow) pmem2_source{};
	if (s == nullptr)
		return fail(-ENOMEM, "out of memory allocating a pmem2_source");
	s->kind = source_kind::fd;
	s->fd = fd;
	s->ftype = ftype;
	s->st_dev = st.st_dev;
	s->st_rdev = st.st_rdev;
	*src = s;
	return 0;
}

PMEM2_EXPORT int pmem2_source_from_anon(struct pmem2_source **src, size_t size)
{
	err_clear();
	if (src == nullptr)
		return fail(-EINVAL,
		            "pmem2_source_from_anon: src (where to store the source) is NULL");
	*src = nullptr;
	auto *s = new (std::nothrow) pmem2_source{};
	if (s == nullptr)
		return fail(-ENOMEM, "out of memory allocating a pmem2_source");
	s->kind = source_kind::anon;
	s->fd = -1;
	s->anon_size = size;
	*src = s;
	return 0;
}

PMEM2_EXPORT int pmem2_source_get_fd(const struct pmem2_source *src, int *fd)
{
	err_clear();
	if (src == nullptr || fd == nullptr)
		return fail(-EINVAL, "pmem2_source_get_fd: %s is NULL", src ? "fd" : "src");
	if (src->kind != source_kind::fd)
		return fail(PMEM2_E_FILE_DESCRIPTOR_NOT_SET,
		            "the source has no file descriptor (it is anonymous memory)");
	*fd = src->fd;
	return 0;
}

PMEM2_EXPORT int pmem2_source_size(const struct pmem2_source *src, size_t *size)
{
	err_clear();
	if (src == nullptr || size == nullptr)
		return fail(-EINVAL, "pmem2_source_size: %s is NULL", src ? "size" : "src");
	return source_size(*src, size);
}

PMEM2_EXPORT int pmem2_source_alignment(const struct pmem2_source *src, size_t *alignment)
{
	err_clear();
	if (src == nullptr || alignment == nullptr)
		return fail(-EINVAL, "pmem2_source_alignment: %s is NULL",
		            src ? "alignment" : "src");
	return source_alignment(*src, alignment);
}

PMEM2_EXPORT int pmem2_source_delete(struct pmem2_source **src)
{
	if (src == nullptr)
		return 0;
	delete *src;
	*src = nullptr;
	return 0;
}
