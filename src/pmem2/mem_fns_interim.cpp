/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/mem_fns_interim.cpp -- INTERIM memory operations of a map, so that
 * libpmem2 links and works before the optimised ones (persist.cpp,
 * memops*.cpp, owned by the kernels work) land. Every definition here is
 * weak: the real ones replace them in the shared library as soon as they
 * exist. DELETE THIS FILE when mem_fns/persist land on main.
 *
 * Semantics (simple and correct, not fast):
 *   PAGE        persist/flush = msync(MS_SYNC) of the registered maps'
 *               pages covering the range (map_registry.hpp); drain = no-op.
 *   CACHE_LINE  flush = write back cache lines; drain = SFENCE.
 *   BYTE        flush = nothing; drain = SFENCE.
 *   memmove/memcpy/memset = libc, then flush (unless NOFLUSH) and drain
 *   (unless NODRAIN or NOFLUSH).
 */
#include "pmem2/map.hpp"
#include "pmem2/map_registry.hpp"
#include "pmem2/source.hpp"

#include "common/flush.hpp"
#include "common/persistence_checker_hooks.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/mman.h>

namespace
{

void msync_part(void *, pmem2_map *, void *part, std::size_t len)
{
	std::size_t page = masync::pmem2::page_size();
	auto start = reinterpret_cast<std::uintptr_t>(part) & ~(page - 1);
	std::size_t n = reinterpret_cast<std::uintptr_t>(part) + len - start;
	int ret;
	while ((ret = msync(reinterpret_cast<void *>(start), n, MS_SYNC)) != 0 && errno == EINTR) {
	}
	if (ret == 0)
		masync::persistence_checker::note_msync(reinterpret_cast<void *>(start), n);
}

void flush_page(const void *ptr, std::size_t size)
{
	masync::pmem2::for_each_mapped_part(ptr, size, msync_part, nullptr);
}

void flush_cache_line(const void *ptr, std::size_t size)
{
	masync::flush_range(ptr, size);
}

void flush_byte(const void *, std::size_t) {}

void drain_fence()
{
	masync::store_fence();
}

void drain_none() {}

void persist_page(const void *ptr, std::size_t size)
{
	flush_page(ptr, size);
}

void persist_cache_line(const void *ptr, std::size_t size)
{
	flush_cache_line(ptr, size);
	drain_fence();
}

void persist_byte(const void *, std::size_t)
{
	drain_fence();
}

template <void (*Flush)(const void *, std::size_t), void (*Drain)()>
void finish(void *dest, std::size_t len, unsigned flags)
{
	if (flags & PMEM2_F_MEM_NOFLUSH)
		return;
	Flush(dest, len);
	if (!(flags & PMEM2_F_MEM_NODRAIN))
		Drain();
}

template <void (*Flush)(const void *, std::size_t), void (*Drain)()>
void *memmove_with(void *dest, const void *src, std::size_t len, unsigned flags)
{
	std::memmove(dest, src, len);
	finish<Flush, Drain>(dest, len, flags);
	return dest;
}

template <void (*Flush)(const void *, std::size_t), void (*Drain)()>
void *memset_with(void *dest, int c, std::size_t len, unsigned flags)
{
	std::memset(dest, c, len);
	finish<Flush, Drain>(dest, len, flags);
	return dest;
}

} // namespace

namespace masync::pmem2
{

[[gnu::weak]] void install_mem_fns(struct pmem2_map *map)
{
	switch (map->effective_granularity) {
	case PMEM2_GRANULARITY_PAGE:
		map->persist_fn = persist_page;
		map->flush_fn = flush_page;
		map->drain_fn = drain_none;
		map->memmove_fn = memmove_with<flush_page, drain_none>;
		map->memcpy_fn = memmove_with<flush_page, drain_none>;
		map->memset_fn = memset_with<flush_page, drain_none>;
		break;
	case PMEM2_GRANULARITY_CACHE_LINE:
		map->persist_fn = persist_cache_line;
		map->flush_fn = flush_cache_line;
		map->drain_fn = drain_fence;
		map->memmove_fn = memmove_with<flush_cache_line, drain_fence>;
		map->memcpy_fn = memmove_with<flush_cache_line, drain_fence>;
		map->memset_fn = memset_with<flush_cache_line, drain_fence>;
		break;
	default:
		map->persist_fn = persist_byte;
		map->flush_fn = flush_byte;
		map->drain_fn = drain_fence;
		map->memmove_fn = memmove_with<flush_byte, drain_fence>;
		map->memcpy_fn = memmove_with<flush_byte, drain_fence>;
		map->memset_fn = memset_with<flush_byte, drain_fence>;
		break;
	}
}

} // namespace masync::pmem2

#define INTERIM_EXPORT extern "C" __attribute__((visibility("default"), weak))

INTERIM_EXPORT pmem2_persist_fn pmem2_get_persist_fn(struct pmem2_map *map)
{
	return map->persist_fn;
}
INTERIM_EXPORT pmem2_flush_fn pmem2_get_flush_fn(struct pmem2_map *map)
{
	return map->flush_fn;
}
INTERIM_EXPORT pmem2_drain_fn pmem2_get_drain_fn(struct pmem2_map *map)
{
	return map->drain_fn;
}
INTERIM_EXPORT pmem2_memmove_fn pmem2_get_memmove_fn(struct pmem2_map *map)
{
	return map->memmove_fn;
}
INTERIM_EXPORT pmem2_memcpy_fn pmem2_get_memcpy_fn(struct pmem2_map *map)
{
	return map->memcpy_fn;
}
INTERIM_EXPORT pmem2_memset_fn pmem2_get_memset_fn(struct pmem2_map *map)
{
	return map->memset_fn;
}
