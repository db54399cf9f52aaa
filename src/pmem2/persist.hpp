/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/persist.hpp -- the persist, flush and drain functions of each
 * granularity, as handed out by pmem2_get_persist_fn/_flush_fn/_drain_fn
 * (installed by map_fns.cpp), and the page write-back they share with the
 * PAGE memory operations.
 *
 *   granularity   flush                     drain     persist
 *   CACHE_LINE    write back touched lines  SFENCE    flush + drain
 *   BYTE          nothing                   SFENCE    drain
 *   PAGE          msync (sync_pages)        nothing   msync
 *
 * sync_pages(ptr, size) msyncs (MS_SYNC, retried on EINTR) the page-aligned
 * pieces of [ptr, ptr + size) that belong to registered maps
 * (map_registry.hpp); bytes outside every map are skipped. It never flushes
 * cache lines (useless for page-cache-backed memory) and never aborts: a
 * failing msync leaves errno set and the thread's pmem2_errormsg()
 * describing it, and the remaining pieces are still synced. It returns 0 or
 * the negated errno of the first failure (persist/flush return void; the
 * async API uses the return value). Thread-safe; looks the maps up without
 * a lock (map_registry.hpp), makes one system call per piece.
 */
#ifndef MASYNC_PMEM2_PERSIST_HPP
#define MASYNC_PMEM2_PERSIST_HPP

#include <cstddef>

namespace masync::pmem2
{

int sync_pages(const void *ptr, std::size_t size) noexcept;

/*
 * This thread's msync failures in sync_pages: a count and the errno of the
 * latest. Lets the async API tell whether a memory function it called
 * failed to persist without touching errno (a call into the C library per
 * access) on every operation.
 */
struct sync_failure_record {
	unsigned count;
	int last_error;
};
extern thread_local sync_failure_record sync_failures;

void persist_cache_line(const void *ptr, std::size_t size);
void flush_cache_line(const void *ptr, std::size_t size);
void persist_byte(const void *ptr, std::size_t size);
void flush_byte(const void *ptr, std::size_t size);
void persist_page(const void *ptr, std::size_t size);
void flush_page(const void *ptr, std::size_t size);
void drain_fence();
void drain_none();

} // namespace masync::pmem2

#endif
