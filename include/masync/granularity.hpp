/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/granularity.hpp -- the store granularity of libpmem2 as a C++ enum,
 * and its one name.
 *
 * What it is
 *   masync::pmem2::granularity  enum class over enum pmem2_granularity;
 *   masync::pmem2::granularity_name(g)  "BYTE", "CACHE_LINE" or "PAGE" (the
 *     words PMEM2_FORCE_GRANULARITY takes), "?" for any other value. It
 *     takes the C enum, the C++ enum or a plain int, so a value read from a
 *     C caller that is outside the enum is named, never cast first.
 *   The library itself names granularities in its messages with this
 *   function: it is the only table of these names in the project.
 *
 * Lifetime and thread safety
 *   constexpr and pure: any thread, any time; the strings are static.
 */
#ifndef MASYNC_GRANULARITY_HPP
#define MASYNC_GRANULARITY_HPP

#include <libpmem2.h>

namespace masync::pmem2
{

enum class granularity : int {
	byte = PMEM2_GRANULARITY_BYTE,
	cache_line = PMEM2_GRANULARITY_CACHE_LINE,
	page = PMEM2_GRANULARITY_PAGE,
};

constexpr const char *granularity_name(int g) noexcept
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "BYTE";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "CACHE_LINE";
	case PMEM2_GRANULARITY_PAGE:
		return "PAGE";
	default:
		return "?";
	}
}
constexpr const char *granularity_name(enum pmem2_granularity g) noexcept
{
	return granularity_name(static_cast<int>(g));
}
constexpr const char *granularity_name(granularity g) noexcept
{
	return granularity_name(static_cast<int>(g));
}

} // namespace masync::pmem2

#endif
