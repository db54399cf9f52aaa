/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/deep_flush.cpp -- pmem2_deep_flush: making a range of a map durable
 * in the most reliable persistence domain software can reach.
 *
 * Steps, by the map's store granularity:
 *   BYTE, CACHE_LINE  write the CPU cache lines back (flush + fence), then
 *                     as below;
 *   regular files     msync(MS_SYNC) of the pages holding the range: on a
 *                     DAX file system this also drains the memory
 *                     controller's write-pending queues;
 *   Device DAX        write "1" to the region's deep_flush control.
 * Anonymous memory has nothing to flush to: PMEM2_E_NOSUPP.
 */
#include "pmem2/devdax.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/map.hpp"
#include "pmem2/source.hpp"

#include "common/flush.hpp"

#include <cerrno>
#include <cstdint>
#include <sys/mman.h>

using namespace masync::pmem2;

namespace
{

int msync_range(void *ptr, std::size_t size)
{
	if (size == 0)
		return 0;
	std::size_t page = page_size();
	auto start = reinterpret_cast<std::uintptr_t>(ptr) & ~(page - 1);
	std::size_t len = reinterpret_cast<std::uintptr_t>(ptr) + size - start;
	int ret;
	do {
		ret = msync(reinterpret_cast<void *>(start), len, MS_SYNC);
	} while (ret != 0 && errno == EINTR);
	if (ret != 0)
		return fail_errno(errno, "msync of %p (%zu bytes) failed", ptr, size);
	return 0;
}

} // namespace

PMEM2_EXPORT int pmem2_deep_flush(struct pmem2_map *map, void *ptr, size_t size)
{
	err_clear();
	if (map == nullptr)
		return fail(-EINVAL, "pmem2_deep_flush: map is NULL");

	auto begin = reinterpret_cast<std::uintptr_t>(map->addr);
	auto p = reinterpret_cast<std::uintptr_t>(ptr);
	/* [p, p + size) must lie inside [begin, begin + content_length), without overflow */
	if (p < begin || p - begin > map->content_length ||
	    size > map->content_length - (p - begin))
		return fail(PMEM2_E_DEEP_FLUSH_RANGE,
		            "the range %p + %zu is not inside the map %p + %zu", ptr, size,
		            map->addr, map->content_length);

	if (map->source.kind == source_kind::anon)
		return fail(PMEM2_E_NOSUPP,
		            "deep flush of anonymous memory is not supported: it has no medium "
		            "to flush to");

	if (map->effective_granularity != PMEM2_GRANULARITY_PAGE) {
		masync::flush_range(ptr, size);
		masync::store_fence();
	}

	if (map->source.ftype == file_kind::devdax)
		return devdax_deep_flush(map->source.st_rdev);
	return msync_range(ptr, size);
}
