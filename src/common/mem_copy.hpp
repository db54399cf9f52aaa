/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/mem_copy.hpp -- memmove kernels, composed from the pieces of
 * mem_vec.hpp for one ISA (V) and one line write-back instruction (F).
 * Included only by the memcpy_<isa>.cpp files; see mem_isa.hpp for the
 * contract every kernel keeps.
 *
 * Size classes:
 *   1 | 2-3 | 4-7 | 8-16 | 17-32 | 33-64 | 65-128 | 129-256 : two (four for
 *       the last class) possibly overlapping blocks, all loaded before any is
 *       stored, so any overlap of source and destination is fine;
 *   larger: the destination is cut into a head (up to its first line
 *       boundary), whole aligned lines (four per iteration, then one by one)
 *       and a tail; head and tail go through the small classes. Lines are
 *       written back as the copy goes, trailing the stores by flush_lag
 *       bytes. The copy runs backwards when the destination starts inside
 *       the source.
 * The non-temporal variant stores the whole lines with non-temporal stores
 * and uses the small classes only for copies up to nt_min bytes (too short
 * to hold a whole line): from 64 bytes on, every whole destination line is
 * streamed, as PMDK does.
 */
#ifndef MASYNC_COMMON_MEM_COPY_HPP
#define MASYNC_COMMON_MEM_COPY_HPP

#include "common/mem_vec.hpp"

#include <type_traits>

namespace masync::mem::detail
{

/* Up to this size the temporal kernels use the all-loads-first classes. */
inline constexpr std::size_t small_max = 256;
/*
 * Up to this size the non-temporal kernels store temporally: n <= 63 bytes
 * cannot cover a whole line. (From 64 bytes on, line_up(d) <= line_down(d +
 * n), which the head / lines / tail split needs.)
 */
inline constexpr std::size_t nt_min = 63;

/*
 * A kernel's last act: the store fence when asked for (drain), then the
 * destination. Kernels fence themselves so that the dispatcher's call is a
 * tail call: no register saved before the kernel and restored behind the
 * SFENCE. With the fence in the dispatcher, bench/pmem2_vs_pmdk.sh put the
 * 1 KiB memmove (flags 0 / NONTEMPORAL) at 0.93 / 0.95 of PMDK; with it
 * here, at 1.01 / 1.08 (AMD EPYC, 9 rounds).
 */
[[gnu::always_inline]] inline void *done(char *d, bool drain)
{
	if (drain)
		store_fence();
	return d;
}

template <class V, class F> struct copier {
	using vc = vec<V>;
	using line = typename vc::line;

	template <std::size_t N> static void pair(char *d, const char *s, std::size_t n)
	{
		auto a = vc::template load_blk<N>(s);
		auto b = vc::template load_blk<N>(s + n - N);
		vc::store_blk(d, a);
		vc::store_blk(d + n - N, b);
	}

	/* 1 <= n <= 64; stores only (the caller writes back). */
	static void upto64(char *d, const char *s, std::size_t n)
	{
		if (n <= 16) {
			if (n >= 8)
				pair<8>(d, s, n);
			else if (n >= 4)
				pair<4>(d, s, n);
			else if (n >= 2)
				pair<2>(d, s, n);
			else
				*d = *s;
			return;
		}
		if (n <= 32) {
			pair<16>(d, s, n);
			return;
		}
		pair<32>(d, s, n);
	}

	/* 1 <= n <= small_max; stores only (the caller writes back). */
	static void small(char *d, const char *s, std::size_t n)
	{
		if (n <= 64) {
			upto64(d, s, n);
			return;
		}
		if (n <= 128) {
			line a = vc::load(s), b = vc::load(s + n - 64);
			vc::template store<false>(d, a);
			vc::template store<false>(d + n - 64, b);
			return;
		}
		line a = vc::load(s), b = vc::load(s + 64);
		line c = vc::load(s + n - 128), e = vc::load(s + n - 64);
		vc::template store<false>(d, a);
		vc::template store<false>(d + 64, b);
		vc::template store<false>(d + n - 128, c);
		vc::template store<false>(d + n - 64, e);
	}

	/* A head or tail of 1..63 bytes inside one line, then its write-back. */
	static void edge(char *d, const char *s, std::size_t n)
	{
		upto64(d, s, n);
		F::line(d);
	}

	template <bool NT> static void lines4(char *p, const char *q)
	{
		line a = vc::load(q), b = vc::load(q + 64), c = vc::load(q + 128),
		     e = vc::load(q + 192);
		vc::template store<NT>(p, a);
		vc::template store<NT>(p + 64, b);
		vc::template store<NT>(p + 128, c);
		vc::template store<NT>(p + 192, e);
	}

	/*
	 * The backward loop's block with AVX-512: 16 whole lines in 16 zmm
	 * registers, all loaded before any is stored, as PMDK's. A 1 KiB
	 * memmove 64 bytes up with NOFLUSH (bench/pmem2_vs_pmdk.sh) ran at ~10
	 * GB/s with 4-line blocks, ~20 with 16, PMDK ~23; probably because loads
	 * issued after stores to nearby lines wait for them. 8-line blocks (and
	 * 8 lines of AVX in 16 ymm) did not help; 32 lines spilled to the stack
	 * and halved the speed.
	 */
	static constexpr std::size_t block_lines = vc::regs == 1 ? 16 : 4;
	static constexpr std::size_t block_bytes = block_lines * cache_line_size;

	template <bool NT> [[gnu::always_inline]] static void block(char *p, const char *q)
	{
		line l[block_lines];
		for (std::size_t i = 0; i < block_lines; ++i)
			l[i] = vc::load(q + i * cache_line_size);
		for (std::size_t i = 0; i < block_lines; ++i)
			vc::template store<NT>(p + i * cache_line_size, l[i]);
	}

	template <bool NT> static void line1(char *p, const char *q)
	{
		line a = vc::load(q);
		vc::template store<NT>(p, a);
	}

	/* Whole lines stored non-temporally need no write-back. */
	template <bool NT> using line_flush = std::conditional_t<NT, flush_none, F>;

	/* Destination below the source (or apart): low addresses first. */
	template <bool NT> static void *forward(char *d, const char *s, std::size_t n, bool drain)
	{
		char *end = d + n;
		char *p = vc::line_up(d);
		char *ea = vc::line_down(end);
		std::size_t h = static_cast<std::size_t>(p - d);
		const char *q = s + h;
		if (h)
			edge(d, s, h);
		typename vc::template trail_up<line_flush<NT>> fl{p};
		for (; ea - p >= 256; p += 256, q += 256) {
			lines4<NT>(p, q);
			fl.done_to(p + 256);
		}
		for (; p < ea; p += 64, q += 64) {
			line1<NT>(p, q);
			fl.done_to(p + 64);
		}
		fl.finish(ea);
		if (end != ea)
			edge(ea, q, static_cast<std::size_t>(end - ea));
		return done(d, drain);
	}

	/* Destination starting inside the source: high addresses first. */
	template <bool NT> static void *backward(char *d, const char *s, std::size_t n, bool drain)
	{
		char *end = d + n;
		char *da = vc::line_up(d);
		char *p = vc::line_down(end);
		const char *q = s + (p - d);
		if (end != p)
			edge(p, q, static_cast<std::size_t>(end - p));
		typename vc::template trail_down<line_flush<NT>> fl{p};
		if constexpr (block_lines > 4) {
			while (p - da >= static_cast<std::ptrdiff_t>(block_bytes)) {
				p -= block_bytes;
				q -= block_bytes;
				block<NT>(p, q);
				fl.done_to(p);
			}
		}
		while (p - da >= 256) {
			p -= 256;
			q -= 256;
			lines4<NT>(p, q);
			fl.done_to(p);
		}
		while (p > da) {
			p -= 64;
			q -= 64;
			line1<NT>(p, q);
			fl.done_to(p);
		}
		fl.finish(da);
		if (da != d)
			edge(d, s, static_cast<std::size_t>(da - d));
		return done(d, drain);
	}

	template <bool NT> static void *move(char *d, const char *s, std::size_t n, bool drain)
	{
		if (n <= (NT ? nt_min : small_max)) {
			small(d, s, n);
			vc::template flush_span<F>(d, n);
			return done(d, drain);
		}
		if (reinterpret_cast<std::uintptr_t>(d) - reinterpret_cast<std::uintptr_t>(s) < n)
			return backward<NT>(d, s, n, drain);
		return forward<NT>(d, s, n, drain);
	}
};

template <class V> void install_move(isa_table &t)
{
	t.move_t[fi_none] = &copier<V, flush_none>::template move<false>;
	t.move_t[fi_clflush] = &copier<V, flush_clflush>::template move<false>;
	t.move_t[fi_clflushopt] = &copier<V, flush_clflushopt>::template move<false>;
	t.move_t[fi_clwb] = &copier<V, flush_clwb>::template move<false>;
	t.move_t[fi_counted] = &copier<V, flush_counted>::template move<false>;
	t.move_nt[fi_none] = &copier<V, flush_none>::template move<true>;
	t.move_nt[fi_clflush] = &copier<V, flush_clflush>::template move<true>;
	t.move_nt[fi_clflushopt] = &copier<V, flush_clflushopt>::template move<true>;
	t.move_nt[fi_clwb] = &copier<V, flush_clwb>::template move<true>;
	t.move_nt[fi_counted] = &copier<V, flush_counted>::template move<true>;
}

} // namespace masync::mem::detail

#endif
