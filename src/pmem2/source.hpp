/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/source.hpp -- the layout of struct pmem2_source and the internal
 * queries on it (size, alignment) shared by the map, mcsafe, device-identity
 * and bad-block code.
 *
 * A source is plain data: immutable after pmem2_source_from_fd/_from_anon,
 * copied by value into every map made from it (map.hpp), so reading it from
 * several threads is safe. It borrows the descriptor; it never closes it.
 * The internal functions below do not clear the thread's error message
 * (public entry points do that) but set it when they fail.
 */
#ifndef MASYNC_PMEM2_SOURCE_HPP
#define MASYNC_PMEM2_SOURCE_HPP

#include <libpmem2.h>

#include <cstddef>
#include <sys/types.h>

namespace masync::pmem2
{

enum class source_kind { fd, anon };

/* What a descriptor source refers to. */
enum class file_kind { regular, devdax };

} // namespace masync::pmem2

struct pmem2_source {
	masync::pmem2::source_kind kind;
	/* descriptor sources */
	int fd;
	masync::pmem2::file_kind ftype;
	dev_t st_dev;  /* device holding the file (regular files) */
	dev_t st_rdev; /* the device itself (Device DAX) */
	/* anonymous sources */
	size_t anon_size;
};

namespace masync::pmem2
{

/* The system page size (cached). */
std::size_t page_size() noexcept;

/* Size of the source now: st_size, the Device DAX size, or the anon size. */
int source_size(const pmem2_source &src, std::size_t *size) noexcept;

/* Alignment a mapping's offset and length need (a power of two). */
int source_alignment(const pmem2_source &src, std::size_t *alignment) noexcept;

} // namespace masync::pmem2

#endif
