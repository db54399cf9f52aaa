/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The DSA mover's CPU path (see dsa/cpu_path.hpp): a thin layer over the
 * operation core shared by every mover (common/vdm_op.hpp), so that this
 * mover validates operations and does CPU work exactly as the others do.
 */

#include "dsa/cpu_path.hpp"
#include "common/kernels.hpp"
#include "common/vdm_op.hpp"

namespace masync::dsa
{
namespace
{

vdm_op::op core_op(const op_args &a) noexcept
{
	vdm_op::op o{};
	o.dst = a.dst;
	o.src = a.src;
	o.n = a.n;
	o.flags = a.flags;
	o.type = static_cast<std::uint32_t>(a.type);
	o.c = a.c;
	return o;
}

} // namespace

op_args args_of(const struct vdm_operation &op) noexcept
{
	vdm_op::op o;
	const bool valid = vdm_op::flatten(op, o) == VDM_SUCCESS;
	return args_of(o, valid); /* type -1: unknown type or invalid flags */
}

op_args args_of(const vdm_op::op &o, bool valid) noexcept
{
	op_args a;
	if (!valid)
		return a;
	a.type = static_cast<int>(o.type);
	a.dst = static_cast<char *>(o.dst);
	a.src = static_cast<const char *>(o.src);
	a.c = o.c;
	a.n = o.n;
	a.flags = o.flags;
	return a;
}

void cpu_run(const op_args &a, std::size_t offset, std::size_t len) noexcept
{
	if (len == 0 || a.type < 0)
		return;
	const vdm_op::op o = core_op(a);
	vdm_op::run_range(o, offset, len);
	vdm_op::finish(o);
}

void cpu_write_back(const void *dst, std::size_t n) noexcept
{
	mem::flush(dst, n);
	store_fence();
}

void fill_output(const struct vdm_operation &op, enum vdm_operation_result result,
                 struct vdm_operation_output &out) noexcept
{
	vdm_op::fill_output(op, result, out);
}

} // namespace masync::dsa
