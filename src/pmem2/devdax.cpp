/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/devdax.cpp -- sysfs queries about Device DAX character devices
 * (see devdax.hpp). Paths used:
 *   /sys/dev/char/<major>:<minor>/subsystem       -> .../dax for Device DAX
 *   /sys/dev/char/<major>:<minor>/size            size in bytes
 *   /sys/dev/char/<major>:<minor>/device/align    mapping alignment
 *   /sys/dev/char/<major>:<minor>/device/dax_region/id   region number
 *   /sys/bus/nd/devices/region<id>/deep_flush     write "1" to flush WPQs
 */
#include "pmem2/devdax.hpp"

#include "pmem2/errormsg.hpp"

#include <libpmem2.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace masync::pmem2
{

namespace
{

void char_dev_path(char *buf, std::size_t n, dev_t rdev, const char *leaf)
{
	std::snprintf(buf, n, "/sys/dev/char/%u:%u/%s", major(rdev), minor(rdev), leaf);
}

/* Reads a small sysfs file into buf (NUL-terminated, trailing newline removed). */
int read_text(const char *path, char *buf, std::size_t n) noexcept
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(errno, "cannot open %s", path);
	ssize_t got;
	do {
		got = read(fd, buf, n - 1);
	} while (got < 0 && errno == EINTR);
	int err = errno;
	close(fd);
	if (got < 0)
		return fail_errno(err, "cannot read %s", path);
	buf[got] = '\0';
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		buf[--got] = '\0';
	return 0;
}

/* Parses a whole unsigned number; false if the text is not exactly one. */
bool parse_u64(const char *text, unsigned long long *value)
{
	if (text[0] == '\0' || text[0] == '-')
		return false;
	char *end = nullptr;
	errno = 0;
	unsigned long long v = std::strtoull(text, &end, 0);
	if (errno != 0 || end == text || *end != '\0')
		return false;
	*value = v;
	return true;
}

} // namespace

int devdax_check(dev_t rdev) noexcept
{
	char path[PATH_MAX];
	char_dev_path(path, sizeof(path), rdev, "subsystem");
	char resolved[PATH_MAX];
	if (realpath(path, resolved) == nullptr)
		return fail_errno(errno, "cannot tell what character device %u:%u is (%s)",
		                  major(rdev), minor(rdev), path);
	const char *base = std::strrchr(resolved, '/');
	if (base == nullptr || std::strcmp(base + 1, "dax") != 0)
		return fail(PMEM2_E_INVALID_FILE_TYPE,
		            "character device %u:%u is not a Device DAX (its subsystem is %s); "
		            "only regular files and Device DAX can be mapped",
		            major(rdev), minor(rdev), base ? base + 1 : resolved);
	return 0;
}

namespace
{

/* The number in the device's sysfs file `leaf`; `code` and `what` describe a bad one. */
int read_number(dev_t rdev, const char *leaf, int code, const char *what, std::size_t *out)
{
	char path[PATH_MAX];
	char_dev_path(path, sizeof(path), rdev, leaf);
	char text[64];
	if (int ret = read_text(path, text, sizeof(text)))
		return ret;
	unsigned long long v;
	if (!parse_u64(text, &v))
		return fail(code, "Device DAX %s in %s is not a number: \"%s\"", what, path, text);
	*out = static_cast<std::size_t>(v);
	return 0;
}

} // namespace

int devdax_size(dev_t rdev, std::size_t *size) noexcept
{
	return read_number(rdev, "size", PMEM2_E_INVALID_SIZE_FORMAT, "size", size);
}

int devdax_alignment(dev_t rdev, std::size_t *alignment) noexcept
{
	return read_number(rdev, "device/align", PMEM2_E_INVALID_ALIGNMENT_FORMAT, "alignment",
	                   alignment);
}

int devdax_deep_flush(dev_t rdev) noexcept
{
	char path[PATH_MAX];
	char_dev_path(path, sizeof(path), rdev, "device/dax_region/id");
	char text[64];
	if (read_text(path, text, sizeof(text)) != 0)
		return fail(PMEM2_E_DAX_REGION_NOT_FOUND,
		            "cannot find the region of Device DAX %u:%u (%s unreadable)",
		            major(rdev), minor(rdev), path);
	unsigned long long id;
	if (!parse_u64(text, &id))
		return fail(PMEM2_E_DAX_REGION_NOT_FOUND,
		            "cannot find the region of Device DAX %u:%u (%s holds \"%s\")",
		            major(rdev), minor(rdev), path, text);

	std::snprintf(path, sizeof(path), "/sys/bus/nd/devices/region%llu/deep_flush", id);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		/* no such control: the region has nothing to flush */
		if (errno == ENOENT)
			return 0;
		return fail_errno(errno, "cannot open %s", path);
	}
	ssize_t wrote;
	do {
		wrote = write(fd, "1", 1);
	} while (wrote < 0 && errno == EINTR);
	int err = errno;
	close(fd);
	if (wrote != 1)
		return fail_errno(wrote < 0 ? err : EIO, "cannot write to %s", path);
	return 0;
}

} // namespace masync::pmem2
