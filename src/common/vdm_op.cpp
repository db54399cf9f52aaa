/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/vdm_op.cpp -- the memory work of the operation core (vdm_op.hpp):
 * one byte range of one operation through the project's kernels
 * (common/kernels.hpp), or through the mover's custom functions. The
 * kernels are always called with `nodrain`: the caller fences once
 * (vdm_op::finish) after its ranges.
 */

#include "common/vdm_op.hpp"
#include "common/kernels.hpp"

#include <cstring>

namespace masync::vdm_op
{
namespace
{

/* The kernel flags for an operation's vdm flags (nodrain: finish() fences). */
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

/* After a custom function: write back unless it is durable itself. */
void after_custom(void *d, std::size_t n, std::uint64_t flags, bool durable) noexcept
{
	if ((flags & VDM_F_MEM_DURABLE) && !durable)
		mem::flush(d, n);
}

} // namespace

void run_range(const op &o, std::size_t offset, std::size_t len, const custom_fns *fns) noexcept
{
	if (len == 0)
		return;
	char *d = static_cast<char *>(o.dst) + offset;
	const char *s = static_cast<const char *>(o.src) + (o.src ? offset : 0);
	const auto f32 = static_cast<unsigned>(o.flags);
	switch (o.type) {
	case VDM_OPERATION_MEMCPY:
		if (fns != nullptr && fns->cpy != nullptr) {
			fns->cpy(d, s, len, f32);
			after_custom(d, len, o.flags, fns->cpy_durable);
		} else if ((o.flags & VDM_F_VALID_FLAGS) == 0) {
			std::memcpy(d, s, len);
		} else {
			mem::move(d, s, len, kernel_flags(o.flags));
		}
		break;
	case VDM_OPERATION_MEMMOVE:
		if (fns != nullptr && fns->mov != nullptr) {
			fns->mov(d, s, len, f32);
			after_custom(d, len, o.flags, fns->mov_durable);
		} else if ((o.flags & VDM_F_VALID_FLAGS) == 0) {
			std::memmove(d, s, len);
		} else {
			mem::move(d, s, len, kernel_flags(o.flags));
		}
		break;
	case VDM_OPERATION_MEMSET:
		if (fns != nullptr && fns->set != nullptr) {
			fns->set(d, o.c, len, f32);
			after_custom(d, len, o.flags, fns->set_durable);
		} else if ((o.flags & VDM_F_VALID_FLAGS) == 0) {
			std::memset(d, o.c, len);
		} else {
			mem::set(d, o.c, len, kernel_flags(o.flags));
		}
		break;
	case VDM_OPERATION_FLUSH:
		mem::flush(d, len);
		break;
	default:
		break;
	}
}

} // namespace masync::vdm_op
