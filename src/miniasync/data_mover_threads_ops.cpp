/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The memory work of the threads mover: one byte range of one operation,
 * with the operation's flags honoured through the project's kernels
 * (common/kernels.hpp):
 *
 *   no flag               the C library's memcpy/memmove/memset;
 *   VDM_F_MEM_DURABLE     mem::copy/move/set with write-back as it goes
 *                         (non-temporal stores from the kernels' threshold);
 *   VDM_F_NO_CACHE_HINT   non-temporal stores, no write-back;
 *   both                  non-temporal stores (durable once fenced);
 *   flush operation       mem::flush.
 * The kernels are called with `nodrain`: the caller fences once
 * (threads_fence) after all its ranges, before it publishes completion,
 * because non-temporal stores and write-backs are not ordered by a release
 * store.
 *
 * Custom functions (data_mover_threads_set_*_fn) receive the operation's
 * flags unchanged; for VDM_F_MEM_DURABLE the range is also written back
 * afterwards, so the guarantee holds whatever the function does, except
 * after a function its setter declared durable (DATA_MOVER_THREADS_FN_DURABLE,
 * data_mover_threads_set_*_fn_flags): it made the range durable itself
 * and only the fence is left.
 */

#include "miniasync/data_mover_threads.hpp"
#include "common/kernels.hpp"

#include <cstring>

namespace masync::detail
{
namespace
{

/* The kernel flags for the vdm flags of an operation (always nodrain: we fence once). */
unsigned kernel_flags(std::uint64_t vdm_flags) noexcept
{
	const bool durable = vdm_flags & VDM_F_MEM_DURABLE;
	const bool no_cache = vdm_flags & VDM_F_NO_CACHE_HINT;
	if (durable && no_cache)
		return mem::nontemporal | mem::nodrain;
	if (no_cache)
		return mem::nontemporal | mem::no_line_flush | mem::nodrain;
	return mem::nodrain; /* durable: write back as it goes */
}

void copy(const data_mover_threads *m, char *d, const char *s, std::size_t n, std::uint64_t flags,
          bool move) noexcept
{
	if (move) {
		if (memmove_fn fn = m->op_memmove.load(std::memory_order_acquire)) {
			fn(d, s, n, static_cast<unsigned>(flags));
			if ((flags & VDM_F_MEM_DURABLE) &&
			    fn != m->durable_memmove.load(std::memory_order_relaxed))
				mem::flush(d, n);
			return;
		}
	} else if (memcpy_fn fn = m->op_memcpy.load(std::memory_order_acquire)) {
		fn(d, s, n, static_cast<unsigned>(flags));
		if ((flags & VDM_F_MEM_DURABLE) &&
		    fn != m->durable_memcpy.load(std::memory_order_relaxed))
			mem::flush(d, n);
		return;
	}
	if ((flags & VDM_F_VALID_FLAGS) == 0) {
		if (move)
			std::memmove(d, s, n);
		else
			std::memcpy(d, s, n);
		return;
	}
	/* mem::copy and mem::move are both safe for any overlap. */
	mem::move(d, s, n, kernel_flags(flags));
}

void fill(const data_mover_threads *m, char *d, int c, std::size_t n, std::uint64_t flags) noexcept
{
	if (memset_fn fn = m->op_memset.load(std::memory_order_acquire)) {
		fn(d, c, n, static_cast<unsigned>(flags));
		if ((flags & VDM_F_MEM_DURABLE) &&
		    fn != m->durable_memset.load(std::memory_order_relaxed))
			mem::flush(d, n);
		return;
	}
	if ((flags & VDM_F_VALID_FLAGS) == 0) {
		std::memset(d, c, n);
		return;
	}
	mem::set(d, c, n, kernel_flags(flags));
}

} // namespace

void threads_run_range(const data_mover_threads *m, const threads_op &op, std::size_t offset,
                       std::size_t len) noexcept
{
	if (len == 0)
		return;
	char *d = static_cast<char *>(op.dst) + offset;
	switch (op.type) {
	case VDM_OPERATION_MEMCPY:
		copy(m, d, static_cast<const char *>(op.src) + offset, len, op.flags, false);
		break;
	case VDM_OPERATION_MEMMOVE:
		copy(m, d, static_cast<const char *>(op.src) + offset, len, op.flags, true);
		break;
	case VDM_OPERATION_MEMSET:
		fill(m, d, op.c, len, op.flags);
		break;
	case VDM_OPERATION_FLUSH:
		mem::flush(d, len);
		break;
	default:
		break;
	}
}

void threads_fence() noexcept
{
	mem::drain();
}

} // namespace masync::detail
