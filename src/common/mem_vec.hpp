/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/mem_vec.hpp -- the building blocks the memory kernels are composed
 * of: whole cache lines (64 bytes) moved as vector registers of one ISA, and
 * fixed-size blocks of 1 to 32 bytes. Internal to the per-ISA kernel files.
 *
 * Everything here is a member of a class template parameterised by the ISA's
 * vector type V (declared in an anonymous namespace of each ISA file), so
 * every instantiation has internal linkage: code compiled for AVX-512 can
 * never be picked by the linker for a caller compiled for SSE2.
 *
 * V provides: `reg`, `width` (bytes per register, dividing 64), and static
 * `load(const char *)` (unaligned), `store(char *, reg)` (unaligned),
 * `stream(char *, reg)` (non-temporal, width-aligned address), `splat(int)`
 * (every byte = the low byte of the argument).
 */
#ifndef MASYNC_COMMON_MEM_VEC_HPP
#define MASYNC_COMMON_MEM_VEC_HPP

#include "common/flush.hpp"
#include "common/flush_line.hpp"
#include "common/mem_isa.hpp"

#include <cstddef>
#include <cstdint>

namespace masync::mem::detail
{

using masync::detail::flush_clflush;
using masync::detail::flush_clflushopt;
using masync::detail::flush_clwb;
using masync::detail::flush_counted;
using masync::detail::flush_none;

/*
 * How far (bytes) line write-backs trail the stores of the whole-line loops:
 * issuing CLWB right after the store stalls on the store's read-for-
 * ownership; 16 lines later the line is in the cache. Measured with
 * bench_kernels (docs/kernels.md).
 */
inline constexpr std::size_t flush_lag = 1024;

template <class V> struct vec {
	static constexpr std::size_t regs = cache_line_size / V::width;
	static_assert(regs * V::width == cache_line_size);

	struct line {
		typename V::reg r[regs];
	};

	static line load(const char *p)
	{
		line l;
		for (std::size_t i = 0; i < regs; ++i)
			l.r[i] = V::load(p + i * V::width);
		return l;
	}
	static line splat(int c)
	{
		line l;
		for (std::size_t i = 0; i < regs; ++i)
			l.r[i] = V::splat(c);
		return l;
	}
	template <bool NT> static void store(char *p, const line &l)
	{
		for (std::size_t i = 0; i < regs; ++i) {
			if constexpr (NT)
				V::stream(p + i * V::width, l.r[i]);
			else
				V::store(p + i * V::width, l.r[i]);
		}
		if constexpr (NT)
			persistence_checker::note_nt_store(p, cache_line_size);
	}

	/* A block of N bytes (N <= 32), moved by the widest stores that fit. */
	template <std::size_t N> struct blk {
		unsigned char b[N];
	};
	template <std::size_t N> static blk<N> load_blk(const char *p)
	{
		blk<N> v;
		__builtin_memcpy(&v, p, N);
		return v;
	}
	template <std::size_t N> static blk<N> splat_blk(int c)
	{
		blk<N> v;
		__builtin_memset(&v, c, N);
		return v;
	}
	template <std::size_t N> static void store_blk(char *p, const blk<N> &v)
	{
		__builtin_memcpy(p, &v, N);
	}

	static char *line_down(char *p)
	{
		return reinterpret_cast<char *>(reinterpret_cast<std::uintptr_t>(p) &
		                                ~(cache_line_size - 1));
	}
	static char *line_up(char *p) { return line_down(p + cache_line_size - 1); }

	/*
	 * Write-back of whole lines trailing the stores by flush_lag bytes
	 * (flush as you go, but not so close behind that each write-back
	 * waits for its line's store to complete). up: stores move upwards;
	 * done_to(e): every line below e is stored; finish(e): write back the
	 * rest up to e. down: the mirror image for backward copies.
	 */
	template <class F> struct trail_up {
		const char *next; /* first line not yet written back */
		void done_to(const char *e)
		{
			if constexpr (F::flushes) {
				for (; e - next > static_cast<std::ptrdiff_t>(flush_lag);
				     next += cache_line_size)
					F::line(next);
			}
		}
		void finish(const char *e)
		{
			if constexpr (F::flushes) {
				for (; next < e; next += cache_line_size)
					F::line(next);
			}
		}
	};
	template <class F> struct trail_down {
		const char *next; /* end of the lines not yet written back */
		void done_to(const char *b)
		{
			if constexpr (F::flushes) {
				while (next - b > static_cast<std::ptrdiff_t>(flush_lag)) {
					next -= cache_line_size;
					F::line(next);
				}
			}
		}
		void finish(const char *b)
		{
			if constexpr (F::flushes) {
				while (next > b) {
					next -= cache_line_size;
					F::line(next);
				}
			}
		}
	};

	/* Writes back, once each, the lines of [p, p + n), n >= 1. */
	template <class F> static void flush_span(const char *p, std::size_t n)
	{
		if constexpr (F::flushes) {
			auto a = reinterpret_cast<std::uintptr_t>(p) & ~(cache_line_size - 1);
			auto e = reinterpret_cast<std::uintptr_t>(p) + n;
			for (; a < e; a += cache_line_size)
				F::line(reinterpret_cast<const void *>(a));
		}
	}
};

} // namespace masync::mem::detail

#endif
