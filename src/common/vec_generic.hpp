/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/vec_generic.hpp -- the portable "register" for the memory kernels
 * (see mem_vec.hpp): one 8-byte word, so even the portable path keeps the
 * 8-byte-store guarantee. It has no non-temporal store; `stream` is a plain
 * store and the dispatcher never asks this ISA for non-temporal copies.
 */
#ifndef MASYNC_COMMON_VEC_GENERIC_HPP
#define MASYNC_COMMON_VEC_GENERIC_HPP

#include <cstddef>
#include <cstdint>

namespace
{

struct v_generic {
	using reg = std::uint64_t;
	static constexpr std::size_t width = 8;
	static reg load(const char *p)
	{
		reg v;
		__builtin_memcpy(&v, p, sizeof(v));
		return v;
	}
	static void store(char *p, reg v) { __builtin_memcpy(p, &v, sizeof(v)); }
	static void stream(char *p, reg v) { store(p, v); }
	static reg splat(int c) { return 0x0101010101010101ull * static_cast<unsigned char>(c); }
};

} // namespace

#endif
