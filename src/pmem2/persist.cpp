/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* pmem2/persist.cpp -- see persist.hpp. */

#include "pmem2/persist.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/map_registry.hpp"
#include "pmem2/source.hpp"

#include "common/flush.hpp"
#include "common/kernels.hpp"
#include "common/persistence_checker_hooks.hpp"
#include "common/test_hook.hpp"

#include <cerrno>
#include <cstdint>
#include <sys/mman.h>

namespace masync::pmem2
{

thread_local sync_failure_record sync_failures;

namespace
{

struct sync_state {
	int first_error = 0;
};

void sync_part(void *ctx, pmem2_map *, void *part, std::size_t len)
{
	auto *st = static_cast<sync_state *>(ctx);
	std::size_t page = page_size();
	auto start = reinterpret_cast<std::uintptr_t>(part) & ~(page - 1);
	std::size_t n = reinterpret_cast<std::uintptr_t>(part) + len - start;
	for (;;) {
		test_hook::count_sync();
		if (msync(reinterpret_cast<void *>(start), n, MS_SYNC) == 0) {
			persistence_checker::note_msync(reinterpret_cast<void *>(start), n);
			return;
		}
		if (errno != EINTR)
			break;
	}
	int e = errno;
	sync_failures.count++;
	sync_failures.last_error = e;
	if (st->first_error == 0) {
		st->first_error = e;
		set_errno_message(e, "msync of %zu bytes at %p failed", n,
		                  reinterpret_cast<void *>(start));
	}
}

} // namespace

int sync_pages(const void *ptr, std::size_t size) noexcept
{
	err_clear();
	if (size == 0)
		return 0;
	sync_state st;
	for_each_mapped_part(ptr, size, sync_part, &st);
	if (st.first_error) {
		errno = st.first_error;
		return -st.first_error;
	}
	return 0;
}

void persist_cache_line(const void *ptr, std::size_t size)
{
	mem::flush(ptr, size);
	store_fence();
}

void flush_cache_line(const void *ptr, std::size_t size)
{
	mem::flush(ptr, size);
}

void persist_byte(const void *, std::size_t)
{
	store_fence();
}

void flush_byte(const void *, std::size_t) {}

void persist_page(const void *ptr, std::size_t size)
{
	sync_pages(ptr, size);
}

void flush_page(const void *ptr, std::size_t size)
{
	sync_pages(ptr, size);
}

void drain_fence()
{
	store_fence();
}

void drain_none() {}

} // namespace masync::pmem2
