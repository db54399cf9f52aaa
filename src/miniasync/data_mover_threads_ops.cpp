/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The memory work of the threads mover: one byte range of one operation,
 * with the operation's flags honoured.
 *
 *   VDM_F_NO_CACHE_HINT  from nt_threshold bytes up, the destination is
 *                        written with non-temporal (streaming) stores;
 *   VDM_F_MEM_DURABLE    the destination is written with non-temporal
 *                        stores (from nt_threshold up) and whatever went
 *                        through the cache (head, tail, small ranges, a
 *                        custom function's stores, an overlapping move) is
 *                        written back with flush_range.
 * The caller issues the store fence once it has run all its ranges, before
 * it publishes completion (non-temporal stores and write-backs are not
 * ordered by a release store).
 *
 * Custom functions (data_mover_threads_set_*_fn) receive the operation's
 * flags; for VDM_F_MEM_DURABLE the range is also written back afterwards, so
 * the guarantee holds whatever the function does.
 */

#include "miniasync/data_mover_threads.hpp"
#include "common/flush.hpp"
#include "common/persistence_checker_hooks.hpp"

#include <cstring>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace masync::detail
{
namespace
{

/* Bytes from p up to the next 64-byte boundary. */
std::size_t to_line(const void *p) noexcept
{
	return (64 - (reinterpret_cast<std::uintptr_t>(p) & 63)) & 63;
}

/*
 * Copies n bytes with streaming stores for the 64-byte-aligned body of the
 * destination; the unaligned head and tail go through the cache. Returns
 * through *head / *tail how many bytes did, so a durable caller can write
 * them back.
 */
void nt_copy(char *d, const char *s, std::size_t n, std::size_t *head, std::size_t *tail) noexcept
{
#if defined(__x86_64__)
	std::size_t h = to_line(d);
	if (h > n)
		h = n;
	std::memcpy(d, s, h);
	d += h;
	s += h;
	n -= h;
	std::size_t body = n & ~std::size_t(63);
	for (std::size_t i = 0; i < body; i += 64) {
		__m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i));
		__m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i + 16));
		__m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i + 32));
		__m128i e = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i + 48));
		_mm_stream_si128(reinterpret_cast<__m128i *>(d + i), a);
		_mm_stream_si128(reinterpret_cast<__m128i *>(d + i + 16), b);
		_mm_stream_si128(reinterpret_cast<__m128i *>(d + i + 32), c);
		_mm_stream_si128(reinterpret_cast<__m128i *>(d + i + 48), e);
	}
	persistence_checker::note_nt_store(d, body);
	std::memcpy(d + body, s + body, n - body);
	*head = h;
	*tail = n - body;
#else
	std::memcpy(d, s, n);
	*head = n;
	*tail = 0;
#endif
}

/* As nt_copy, for a fill. */
void nt_set(char *d, int c, std::size_t n, std::size_t *head, std::size_t *tail) noexcept
{
#if defined(__x86_64__)
	std::size_t h = to_line(d);
	if (h > n)
		h = n;
	std::memset(d, c, h);
	d += h;
	n -= h;
	std::size_t body = n & ~std::size_t(63);
	__m128i v = _mm_set1_epi8(static_cast<char>(c));
	for (std::size_t i = 0; i < body; i += 64) {
		_mm_stream_si128(reinterpret_cast<__m128i *>(d + i), v);
		_mm_stream_si128(reinterpret_cast<__m128i *>(d + i + 16), v);
		_mm_stream_si128(reinterpret_cast<__m128i *>(d + i + 32), v);
		_mm_stream_si128(reinterpret_cast<__m128i *>(d + i + 48), v);
	}
	persistence_checker::note_nt_store(d, body);
	std::memset(d + body, c, n - body);
	*head = h;
	*tail = n - body;
#else
	std::memset(d, c, n);
	*head = n;
	*tail = 0;
#endif
}

/* Writes back what nt_copy/nt_set left in the cache. */
void flush_edges(char *d, std::size_t n, std::size_t head, std::size_t tail) noexcept
{
	if (head)
		flush_range(d, head);
	if (tail)
		flush_range(d + n - tail, tail);
}

bool overlaps(const char *d, const char *s, std::size_t n) noexcept
{
	auto a = reinterpret_cast<std::uintptr_t>(d), b = reinterpret_cast<std::uintptr_t>(s);
	return a < b + n && b < a + n;
}

void copy(const data_mover_threads *m, char *d, const char *s, std::size_t n, std::uint64_t flags,
          bool move) noexcept
{
	const bool durable = flags & VDM_F_MEM_DURABLE;
	const bool nt = (flags & (VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT)) &&
	                n >= m->config.nt_threshold && !(move && overlaps(d, s, n));
	if (move) {
		if (memmove_fn fn = m->op_memmove.load(std::memory_order_acquire)) {
			fn(d, s, n, static_cast<unsigned>(flags));
			if (durable)
				flush_range(d, n);
			return;
		}
	} else if (memcpy_fn fn = m->op_memcpy.load(std::memory_order_acquire)) {
		fn(d, s, n, static_cast<unsigned>(flags));
		if (durable)
			flush_range(d, n);
		return;
	}
	if (nt) {
		std::size_t head, tail;
		nt_copy(d, s, n, &head, &tail);
		if (durable)
			flush_edges(d, n, head, tail);
		return;
	}
	if (move)
		std::memmove(d, s, n);
	else
		std::memcpy(d, s, n);
	if (durable)
		flush_range(d, n);
}

void fill(const data_mover_threads *m, char *d, int c, std::size_t n, std::uint64_t flags) noexcept
{
	const bool durable = flags & VDM_F_MEM_DURABLE;
	if (memset_fn fn = m->op_memset.load(std::memory_order_acquire)) {
		fn(d, c, n, static_cast<unsigned>(flags));
		if (durable)
			flush_range(d, n);
		return;
	}
	if ((flags & (VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT)) && n >= m->config.nt_threshold) {
		std::size_t head, tail;
		nt_set(d, c, n, &head, &tail);
		if (durable)
			flush_edges(d, n, head, tail);
		return;
	}
	std::memset(d, c, n);
	if (durable)
		flush_range(d, n);
}

} // namespace

void threads_run_range(const data_mover_threads *m, const struct vdm_operation &op,
                       std::size_t offset, std::size_t len) noexcept
{
	if (len == 0)
		return;
	switch (op.type) {
	case VDM_OPERATION_MEMCPY:
		copy(m, static_cast<char *>(op.data.memcpy.dest) + offset,
		     static_cast<const char *>(op.data.memcpy.src) + offset, len,
		     op.data.memcpy.flags, false);
		break;
	case VDM_OPERATION_MEMMOVE:
		copy(m, static_cast<char *>(op.data.memmove.dest) + offset,
		     static_cast<const char *>(op.data.memmove.src) + offset, len,
		     op.data.memmove.flags, true);
		break;
	case VDM_OPERATION_MEMSET:
		fill(m, static_cast<char *>(op.data.memset.str) + offset, op.data.memset.c, len,
		     op.data.memset.flags);
		break;
	case VDM_OPERATION_FLUSH:
		flush_range(static_cast<char *>(op.data.flush.dest) + offset, len);
		break;
	}
}

} // namespace masync::detail
