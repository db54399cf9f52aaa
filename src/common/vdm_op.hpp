/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/vdm_op.hpp -- the one operation core every data mover uses: the
 * synchronous and threads movers of libminiasync, libpmem2's default mover
 * and any later mover (a DSA mover's CPU path). Compiled into both libraries
 * through masync_common; nothing here is exported.
 *
 * What it does, with one set of semantics for all movers:
 *   flatten()      validates a struct vdm_operation and copies it into a
 *                  flat vdm_op::op. An unknown type, or a flag bit outside
 *                  VDM_F_VALID_FLAGS (and outside the mover's own
 *                  `extra_flags`, e.g. libpmem2's PMEM2_F_MEM_* bits in the
 *                  high 32 bits), gives VDM_ERROR_JOB_CORRUPTED and an op
 *                  that runs nothing (n == 0).
 *   run_range()    runs bytes [offset, offset + len) of an op:
 *                    no flag              C library memcpy/memmove/memset
 *                    VDM_F_MEM_DURABLE    kernels, write-back as they go
 *                    VDM_F_NO_CACHE_HINT  kernels, non-temporal, no write-back
 *                    both                 kernels, non-temporal
 *                    FLUSH                mem::flush of the range
 *                  memcpy and memmove are both safe for any overlap; len 0
 *                  does nothing. It never fences (ranges may run on several
 *                  threads): whoever publishes completion calls finish().
 *                  With custom functions (custom_fns), they are called
 *                  instead, with the op's flags (low 32 bits); with
 *                  VDM_F_MEM_DURABLE the range is then written back, unless
 *                  the function was declared durable.
 *   run_kernel()   the same through the kernels with flags the mover
 *                  chose (libpmem2's default mover: by the map's
 *                  granularity).
 *   needs_fence()  whether the op needs a store fence before completion.
 *   finish()       that closing fence (store_fence) when needed.
 *   run()          run_range over the whole op, then finish().
 *   fill_output()  struct vdm_operation_output for an op and its result:
 *                  type as given, result, and the destination pointer, or
 *                  NULL when the result is not VDM_SUCCESS.
 *
 * Lifetime / thread safety: stateless; every function may be called from
 * any thread at once. No allocation, lock or system call.
 * Ordering: non-temporal stores and write-backs of run_range are ordered
 * only by finish() on the same thread (SFENCE); a mover that runs ranges on
 * several threads has each of them call finish() before it signals that its
 * range is done.
 */
#ifndef MASYNC_COMMON_VDM_OP_HPP
#define MASYNC_COMMON_VDM_OP_HPP

#include "common/flush.hpp"
#include "common/kernels.hpp"

#include <libminiasync/data_mover_threads.h>
#include <libminiasync/vdm.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace masync::vdm_op
{

/* A validated, flattened operation. */
struct op {
	void *dst;
	const void *src; /* memcpy, memmove */
	std::size_t n;
	std::uint64_t flags;
	std::uint32_t type; /* enum vdm_operation_type */
	int c;              /* memset */
};

/*
 * Custom memory functions (nullptr: the kernels); `*_durable` says the
 * function itself makes its destination durable under VDM_F_MEM_DURABLE.
 */
struct custom_fns {
	memcpy_fn cpy = nullptr;
	memmove_fn mov = nullptr;
	memset_fn set = nullptr;
	bool cpy_durable = false;
	bool mov_durable = false;
	bool set_durable = false;
};

/* The operation's type as stored (a foreign value is no undefined behaviour). */
inline int raw_type(const struct vdm_operation &o) noexcept
{
	int t;
	static_assert(sizeof(t) == sizeof(o.type));
	std::memcpy(&t, &o.type, sizeof(t));
	return t;
}

/* The fields of a memcpy or memmove operation (same names in both). */
template <typename Data> inline void take_copy(const Data &d, op &out) noexcept
{
	out.dst = d.dest;
	out.src = d.src;
	out.n = d.n;
	out.flags = d.flags;
}

/* Validates and flattens `o` into `out`; see the header comment. */
inline vdm_operation_result flatten(const struct vdm_operation &o, op &out,
                                    std::uint64_t extra_flags = 0) noexcept
{
	out = op{};
	switch (raw_type(o)) {
	case VDM_OPERATION_MEMCPY:
		take_copy(o.data.memcpy, out);
		break;
	case VDM_OPERATION_MEMMOVE:
		take_copy(o.data.memmove, out);
		break;
	case VDM_OPERATION_MEMSET:
		out.dst = o.data.memset.str;
		out.c = o.data.memset.c;
		out.n = o.data.memset.n;
		out.flags = o.data.memset.flags;
		break;
	case VDM_OPERATION_FLUSH:
		out.dst = o.data.flush.dest;
		out.n = o.data.flush.n;
		out.flags = o.data.flush.flags;
		break;
	default:
		return VDM_ERROR_JOB_CORRUPTED;
	}
	out.type = static_cast<std::uint32_t>(raw_type(o));
	if ((out.flags & ~(std::uint64_t(VDM_F_VALID_FLAGS) | extra_flags)) != 0) {
		out = op{};
		return VDM_ERROR_JOB_CORRUPTED;
	}
	return VDM_SUCCESS;
}

/* Runs [offset, offset + len) of `o` (no fence); fns may be nullptr. */
void run_range(const op &o, std::size_t offset, std::size_t len,
               const custom_fns *fns = nullptr) noexcept;

/*
 * Runs [offset, offset + len) of `o` through the kernels with kernel flags
 * `kflags` (common/kernels.hpp) chosen by the caller, whatever o's vdm
 * flags say: for a mover whose destination's needs (e.g. a libpmem2 map's
 * granularity) decide the kernel. FLUSH writes the range back; no fence
 * unless kflags ask for one.
 */
inline void run_kernel(const op &o, std::size_t offset, std::size_t len, unsigned kflags) noexcept
{
	if (len == 0)
		return;
	char *d = static_cast<char *>(o.dst) + offset;
	switch (o.type) {
	case VDM_OPERATION_MEMCPY:
	case VDM_OPERATION_MEMMOVE:
		mem::move(d, static_cast<const char *>(o.src) + offset, len, kflags);
		break;
	case VDM_OPERATION_MEMSET:
		mem::set(d, o.c, len, kflags);
		break;
	case VDM_OPERATION_FLUSH:
		mem::flush(d, len);
		break;
	default:
		break;
	}
}

/* Whether `o` needs a store fence before its completion is published. */
inline bool needs_fence(const op &o) noexcept
{
	return o.type == VDM_OPERATION_FLUSH || (o.flags & VDM_F_VALID_FLAGS) != 0;
}

/* The closing fence of `o` (store_fence), when it needs one. */
inline void finish(const op &o) noexcept
{
	if (needs_fence(o))
		store_fence();
}

/* The whole operation on this thread, fenced. */
inline void run(const op &o, const custom_fns *fns = nullptr) noexcept
{
	run_range(o, 0, o.n, fns);
	finish(o);
}

/* Fills `out` for `o` and its result; see the header comment. */
inline void fill_output(const struct vdm_operation &o, vdm_operation_result result,
                        struct vdm_operation_output &out) noexcept
{
	const bool ok = result == VDM_SUCCESS;
	std::memcpy(&out.type, &o.type, sizeof(out.type));
	out.result = result;
	switch (raw_type(o)) {
	case VDM_OPERATION_MEMCPY:
		out.output.memcpy.dest = ok ? o.data.memcpy.dest : nullptr;
		break;
	case VDM_OPERATION_MEMMOVE:
		out.output.memmove.dest = ok ? o.data.memmove.dest : nullptr;
		break;
	case VDM_OPERATION_MEMSET:
		out.output.memset.str = ok ? o.data.memset.str : nullptr;
		break;
	case VDM_OPERATION_FLUSH:
		out.output.flush.unused = 0;
		break;
	default:
		break;
	}
}

} // namespace masync::vdm_op

#endif
