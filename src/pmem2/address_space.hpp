/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/address_space.hpp -- reserving and releasing ranges of virtual
 * address space (placeholders that later mappings replace with MAP_FIXED).
 *
 * A placeholder is an inaccessible (PROT_NONE), private, anonymous,
 * MAP_NORESERVE mapping: it costs no memory and no commit charge, and keeps
 * the kernel from handing the range to anyone else. All functions are
 * thread-safe (they only make system calls) and set the thread's error
 * message when they fail.
 */
#ifndef MASYNC_PMEM2_ADDRESS_SPACE_HPP
#define MASYNC_PMEM2_ADDRESS_SPACE_HPP

#include <cstddef>
#include <cstdint>

namespace masync::pmem2
{

inline constexpr std::size_t MiB = std::size_t{1} << 20;
inline constexpr std::size_t GiB = std::size_t{1} << 30;

/*
 * Alignment for a mapping of len bytes whose source needs src_align:
 * at least src_align; 2 MiB from 2 MiB on, 1 GiB from 2 GiB on (so the
 * kernel can use huge pages where the medium allows).
 */
std::size_t map_alignment(std::size_t len, std::size_t src_align) noexcept;

/*
 * Reserves len bytes (rounded up to pages) at an address that is a multiple
 * of align (a power of two). Returns 0 and the address, or -errno.
 */
int reserve_aligned(std::size_t len, std::size_t align, void **addr) noexcept;

/*
 * Reserves exactly [addr, addr + len) (page multiples); with replace, over
 * whatever is mapped there now (MAP_FIXED), otherwise only if the range is
 * free (PMEM2_E_MAPPING_EXISTS if not). Returns 0 or a negative code.
 */
int reserve_at(void *addr, std::size_t len, bool replace) noexcept;

/* munmap() with the error message set on failure; returns 0 or -errno. */
int release(void *addr, std::size_t len) noexcept;

/* Rounds up to a multiple of align (a power of two); false on overflow. */
inline bool round_up(std::size_t v, std::size_t align, std::size_t *out) noexcept
{
	std::size_t r = (v + align - 1) & ~(align - 1);
	if (r < v)
		return false;
	*out = r;
	return true;
}

/*
 * The end of [addr, addr + len) for messages, computed on integers: a
 * caller's range may reach past the top of the address space, where
 * pointer arithmetic would be undefined.
 */
inline void *range_end(const void *addr, std::size_t len) noexcept
{
	return reinterpret_cast<void *>(reinterpret_cast<std::uintptr_t>(addr) + len);
}

} // namespace masync::pmem2

#endif
