/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * dsa/cpu_path.hpp -- the DSA mover's CPU path: one byte range of one vdm
 * operation done by the calling thread with masync's kernels, flags
 * honoured, fenced when the flags ask for durability or non-temporal stores.
 *
 * This is the single place the mover reaches the CPU and the operation core
 * shared by all movers (common/vdm_op.hpp): validation (an unknown type or a
 * flag outside VDM_F_VALID_FLAGS gives type -1, i.e. VDM_ERROR_JOB_CORRUPTED),
 * the range kernels, the fence, and the output.
 *
 * Thread safety: any thread; no allocation, lock or system call.
 */
#ifndef MASYNC_DSA_CPU_PATH_HPP
#define MASYNC_DSA_CPU_PATH_HPP

#include <libminiasync/vdm.h>

#include <cstddef>
#include <cstdint>

namespace masync::vdm_op
{
struct op;
}

namespace masync::dsa
{

/* The arguments of one vdm operation, whatever its type. */
struct op_args {
	int type = -1; /* enum vdm_operation_type, or -1 when unknown */
	char *dst = nullptr;
	const char *src = nullptr; /* memcpy/memmove */
	int c = 0;                 /* memset */
	std::size_t n = 0;
	std::uint64_t flags = 0;
};

op_args args_of(const struct vdm_operation &op) noexcept;
/* The same from an operation the core has flattened (type -1 if it was rejected). */
op_args args_of(const vdm_op::op &o, bool valid = true) noexcept;

/* Does [offset, offset + len) of the operation on the CPU. */
void cpu_run(const op_args &a, std::size_t offset, std::size_t len) noexcept;

/* Fills a completed operation's output (the core's rules: NULL dest on error). */
void fill_output(const struct vdm_operation &op, enum vdm_operation_result result,
                 struct vdm_operation_output &out) noexcept;

/* Writes back and fences [dst, dst + n): durability after a device write. */
void cpu_write_back(const void *dst, std::size_t n) noexcept;

} // namespace masync::dsa

#endif
