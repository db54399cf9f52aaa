/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/copy_map.hpp -- the mapped copy (copy.hpp): SRC into DST through
 * libpmem2 maps of DST's chunks (the C++ API, masync/pmem2.hpp), one
 * durable pmem2_memcpy_async future per chunk, up to `in_flight` of them
 * in flight on the chosen mover.
 *
 * Each chunk is its own libpmem2 map of DST's range and mapping of SRC's,
 * both released as soon as the chunk's future completes (so the page
 * tables are torn down as the copy goes, by the waiting thread, and at
 * most in_flight chunks are mapped). When a future completes successfully
 * its range is durable as the map's granularity requires.
 *
 * Throws failure on any error, after every future started has completed.
 * Not thread-safe: one copy at a time.
 */
#ifndef MASYNC_TOOLS_COPY_MAP_HPP
#define MASYNC_TOOLS_COPY_MAP_HPP

#include "copy.hpp"
#include "copy_io.hpp"
#include "progress.hpp"

#include <libpmem2.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace masync::tool
{

/* What libpmem2 gives DST: its store granularity and what map offsets align to. */
struct dst_probe {
	enum pmem2_granularity granularity = PMEM2_GRANULARITY_PAGE;
	std::size_t alignment = 0;
};
dst_probe probe_dst(int dst_fd, std::uint64_t size, const std::string &dst);

/* What makes a chunk durable at granularity g, for people. */
const char *durability_of(enum pmem2_granularity g);

/*
 * Copies size bytes of SRC into DST (both open; DST already size bytes
 * long) in chunks of r.chunk bytes; sets r.mover, r.method, r.futures and
 * r.in_flight. `existed` words the failure (DST keeps its old content, or
 * was not created).
 */
void map_copy(int src_fd, int dst_fd, std::uint64_t size, const copy_options &o, bool existed,
              allocator &alloc, copy_report &r, progress &bar);

} // namespace masync::tool

#endif
