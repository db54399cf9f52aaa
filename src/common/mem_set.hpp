/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/mem_set.hpp -- memset kernels, composed from the pieces of
 * mem_vec.hpp for one ISA (V) and one line write-back instruction (F).
 * Included only by the memset_<isa>.cpp files; see mem_isa.hpp for the
 * contract every kernel keeps. The size classes are those of mem_copy.hpp:
 * pairs (or, up to 256 bytes, two pairs) of possibly overlapping blocks,
 * then head / whole lines (flushed as they are written, or stored
 * non-temporally) / tail.
 */
#ifndef MASYNC_COMMON_MEM_SET_HPP
#define MASYNC_COMMON_MEM_SET_HPP

#include "common/mem_copy.hpp"

namespace masync::mem::detail
{

template <class V, class F> struct setter {
	using vc = vec<V>;
	using line = typename vc::line;

	template <std::size_t N> static void pair(char *d, int c, std::size_t n)
	{
		auto v = vc::template splat_blk<N>(c);
		vc::store_blk(d, v);
		vc::store_blk(d + n - N, v);
	}

	/* 1 <= n <= 64; stores only. */
	static void upto64(char *d, int c, std::size_t n)
	{
		if (n <= 16) {
			if (n >= 8)
				pair<8>(d, c, n);
			else if (n >= 4)
				pair<4>(d, c, n);
			else if (n >= 2)
				pair<2>(d, c, n);
			else
				*d = static_cast<char>(c);
			return;
		}
		if (n <= 32) {
			pair<16>(d, c, n);
			return;
		}
		pair<32>(d, c, n);
	}

	/* 1 <= n <= small_max; stores only. */
	static void small(char *d, int c, std::size_t n)
	{
		if (n <= 64) {
			upto64(d, c, n);
			return;
		}
		line v = vc::splat(c); /* stored in ascending order */
		vc::template store<false>(d, v);
		if (n > 128) {
			vc::template store<false>(d + 64, v);
			vc::template store<false>(d + n - 128, v);
		}
		vc::template store<false>(d + n - 64, v);
	}

	static void edge(char *d, int c, std::size_t n)
	{
		upto64(d, c, n);
		F::line(d);
	}

	template <bool NT> static void *set(char *d, int c, std::size_t n, bool drain)
	{
		if (n <= (NT ? nt_min : small_max)) {
			small(d, c, n);
			vc::template flush_span<F>(d, n);
			return done(d, drain);
		}
		char *end = d + n;
		char *p = vc::line_up(d);
		char *ea = vc::line_down(end);
		if (p != d)
			edge(d, c, static_cast<std::size_t>(p - d));
		line v = vc::splat(c);
		typename vc::template trail_up<std::conditional_t<NT, flush_none, F>> fl{p};
		for (; ea - p >= 256; p += 256) {
			vc::template store<NT>(p, v);
			vc::template store<NT>(p + 64, v);
			vc::template store<NT>(p + 128, v);
			vc::template store<NT>(p + 192, v);
			fl.done_to(p + 256);
		}
		for (; p < ea; p += 64) {
			vc::template store<NT>(p, v);
			fl.done_to(p + 64);
		}
		fl.finish(ea);
		if (end != ea)
			edge(ea, c, static_cast<std::size_t>(end - ea));
		return done(d, drain);
	}
};

template <class V> void install_set(isa_table &t)
{
	t.set_t[fi_none] = &setter<V, flush_none>::template set<false>;
	t.set_t[fi_clflush] = &setter<V, flush_clflush>::template set<false>;
	t.set_t[fi_clflushopt] = &setter<V, flush_clflushopt>::template set<false>;
	t.set_t[fi_clwb] = &setter<V, flush_clwb>::template set<false>;
	t.set_t[fi_counted] = &setter<V, flush_counted>::template set<false>;
	t.set_nt[fi_none] = &setter<V, flush_none>::template set<true>;
	t.set_nt[fi_clflush] = &setter<V, flush_clflush>::template set<true>;
	t.set_nt[fi_clflushopt] = &setter<V, flush_clflushopt>::template set<true>;
	t.set_nt[fi_clwb] = &setter<V, flush_clwb>::template set<true>;
	t.set_nt[fi_counted] = &setter<V, flush_counted>::template set<true>;
}

} // namespace masync::mem::detail

#endif
