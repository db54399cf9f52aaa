/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/vdm_table.hpp -- the `struct vdm` a mover hands out: its four
 * operation callbacks, the VDM_F_* flags it honours and the property query
 * of its futures, filled in one place for every mover (threads, synchronous,
 * libpmem2's default mover, the DSA mover).
 *
 * A value type; the mover keeps the table for its own lifetime (its futures
 * call through it). Constant after creation, so any thread may read it.
 */
#ifndef MASYNC_COMMON_VDM_TABLE_HPP
#define MASYNC_COMMON_VDM_TABLE_HPP

#include <libminiasync/vdm.h>

namespace masync
{

struct vdm_callbacks {
	vdm_operation_new op_new;
	vdm_operation_delete op_delete;
	vdm_operation_start op_start;
	vdm_operation_check op_check;
	future_has_property_fn has_property; /* may be nullptr */
};

constexpr struct vdm vdm_table(const vdm_callbacks &cb, unsigned capabilities) noexcept
{
	struct vdm v {
	};
	v.op_new = cb.op_new;
	v.op_delete = cb.op_delete;
	v.op_start = cb.op_start;
	v.op_check = cb.op_check;
	v.capabilities = capabilities;
	v.has_property = cb.has_property;
	return v;
}

} // namespace masync

#endif
