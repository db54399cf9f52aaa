/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/vec_avx512f.hpp -- the AVX-512F register type for the memory
 * kernels (see mem_vec.hpp). Included only by files compiled with
 * -mavx512f (memcpy_avx512f.cpp, memset_avx512f.cpp), whose code runs only
 * after the dispatcher saw AVX-512F enabled by the CPU and the OS.
 */
#ifndef MASYNC_COMMON_VEC_AVX512F_HPP
#define MASYNC_COMMON_VEC_AVX512F_HPP

#include <immintrin.h>

#include <cstddef>

namespace
{

struct v_avx512f {
	using reg = __m512i;
	static constexpr std::size_t width = 64;
	static reg load(const char *p) { return _mm512_loadu_si512(p); }
	static void store(char *p, reg v) { _mm512_storeu_si512(p, v); }
	static void stream(char *p, reg v) { _mm512_stream_si512(reinterpret_cast<reg *>(p), v); }
	static reg splat(int c)
	{
		return _mm512_set1_epi32(
		    static_cast<int>(0x01010101u * static_cast<unsigned char>(c)));
	}
};

} // namespace

#endif
