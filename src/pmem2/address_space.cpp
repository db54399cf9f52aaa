/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/address_space.cpp -- address-space placeholders (address_space.hpp).
 */
#include "pmem2/address_space.hpp"

#include "pmem2/errormsg.hpp"
#include "pmem2/source.hpp"

#include <libpmem2.h>

#include <cerrno>
#include <cstdint>
#include <sys/mman.h>

namespace masync::pmem2
{

namespace
{

constexpr int placeholder_prot = PROT_NONE;
constexpr int placeholder_flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

} // namespace

std::size_t map_alignment(std::size_t len, std::size_t src_align) noexcept
{
	std::size_t align = src_align;
	std::size_t wanted = len >= 2 * GiB ? GiB : len >= 2 * MiB ? 2 * MiB : 0;
	return wanted > align ? wanted : align;
}

int reserve_aligned(std::size_t len, std::size_t align, void **addr) noexcept
{
	std::size_t page = page_size();
	if (align < page)
		align = page;
	std::size_t rounded, padded;
	if (!round_up(len, page, &rounded) || rounded == 0 || rounded + align < rounded)
		return fail(-ENOMEM, "cannot reserve %zu bytes of address space aligned to %zu",
		            len, align);
	padded = rounded + align - page;

	void *raw = mmap(nullptr, padded, placeholder_prot, placeholder_flags, -1, 0);
	if (raw == MAP_FAILED)
		return fail_errno(errno, "cannot reserve %zu bytes of address space", padded);

	/* keep the aligned middle, give back the head and the tail */
	auto base = reinterpret_cast<std::uintptr_t>(raw);
	std::uintptr_t aligned = (base + align - 1) & ~(static_cast<std::uintptr_t>(align) - 1);
	std::size_t head = aligned - base;
	std::size_t tail = padded - head - rounded;
	if (head)
		munmap(raw, head);
	if (tail)
		munmap(reinterpret_cast<void *>(aligned + rounded), tail);
	*addr = reinterpret_cast<void *>(aligned);
	return 0;
}

int reserve_at(void *addr, std::size_t len, bool replace) noexcept
{
	int flags = placeholder_flags | (replace ? MAP_FIXED : MAP_FIXED_NOREPLACE);
	void *got = mmap(addr, len, placeholder_prot, flags, -1, 0);
	if (got == MAP_FAILED) {
		if (errno == EEXIST)
			return fail(PMEM2_E_MAPPING_EXISTS,
			            "the address range %p-%p is already (partly) mapped", addr,
			            range_end(addr, len));
		return fail_errno(errno, "cannot reserve the address range %p-%p", addr,
		                  range_end(addr, len));
	}
	if (got != addr) {
		/* a kernel without MAP_FIXED_NOREPLACE treats it as a hint */
		munmap(got, len);
		return fail(PMEM2_E_MAPPING_EXISTS,
		            "the address range %p-%p is already (partly) mapped", addr,
		            range_end(addr, len));
	}
	return 0;
}

int release(void *addr, std::size_t len) noexcept
{
	if (munmap(addr, len) != 0)
		return fail_errno(errno, "munmap(%p, %zu) failed", addr, len);
	return 0;
}

} // namespace masync::pmem2
