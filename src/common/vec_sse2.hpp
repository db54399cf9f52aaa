/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/vec_sse2.hpp -- the SSE2 (128-bit) register type for the memory
 * kernels (see mem_vec.hpp). SSE2 is part of x86-64, so no special flags.
 */
#ifndef MASYNC_COMMON_VEC_SSE2_HPP
#define MASYNC_COMMON_VEC_SSE2_HPP

#include <emmintrin.h>

#include <cstddef>

namespace
{

struct v_sse2 {
	using reg = __m128i;
	static constexpr std::size_t width = 16;
	static reg load(const char *p) { return _mm_loadu_si128(reinterpret_cast<const reg *>(p)); }
	static void store(char *p, reg v) { _mm_storeu_si128(reinterpret_cast<reg *>(p), v); }
	static void stream(char *p, reg v) { _mm_stream_si128(reinterpret_cast<reg *>(p), v); }
	static reg splat(int c) { return _mm_set1_epi8(static_cast<char>(c)); }
};

} // namespace

#endif
