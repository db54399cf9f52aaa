/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/granularity_name.hpp -- the one name of each store granularity, by
 * the values of enum pmem2_granularity (BYTE 0, CACHE_LINE 1, PAGE 2), for
 * messages of libpmem2, the persistence checker and the tool. Pure, any
 * thread; the strings are static.
 */
#ifndef MASYNC_COMMON_GRANULARITY_NAME_HPP
#define MASYNC_COMMON_GRANULARITY_NAME_HPP

namespace masync
{

/* "BYTE", "CACHE_LINE", "PAGE", or "(invalid)" for any other value. */
inline const char *granularity_name(int g) noexcept
{
	static constexpr const char *names[] = {"BYTE", "CACHE_LINE", "PAGE"};
	return g >= 0 && g < 3 ? names[g] : "(invalid)";
}

} // namespace masync

#endif
