/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/vec_avx.hpp -- the AVX (256-bit) register type for the memory
 * kernels (see mem_vec.hpp). Included only by files compiled with -mavx
 * (memcpy_avx.cpp, memset_avx.cpp), whose code runs only after the
 * dispatcher saw AVX enabled by the CPU and the OS. Plain AVX is enough:
 * the kernels only load, store and broadcast.
 */
#ifndef MASYNC_COMMON_VEC_AVX_HPP
#define MASYNC_COMMON_VEC_AVX_HPP

#include <immintrin.h>

#include <cstddef>

namespace
{

struct v_avx {
	using reg = __m256i;
	static constexpr std::size_t width = 32;
	static reg load(const char *p)
	{
		return _mm256_loadu_si256(reinterpret_cast<const reg *>(p));
	}
	static void store(char *p, reg v) { _mm256_storeu_si256(reinterpret_cast<reg *>(p), v); }
	static void stream(char *p, reg v) { _mm256_stream_si256(reinterpret_cast<reg *>(p), v); }
	static reg splat(int c) { return _mm256_set1_epi8(static_cast<char>(c)); }
};

} // namespace

#endif
