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

/* Runs a custom function for o's type, if there is one; false if not. */
bool run_custom(const op &o, char *d, const char *s, std::size_t len,
                const custom_fns &fns) noexcept
{
	const auto f32 = static_cast<unsigned>(o.flags);
	bool durable;
	if (o.type == VDM_OPERATION_MEMCPY && fns.cpy != nullptr) {
		fns.cpy(d, s, len, f32);
		durable = fns.cpy_durable;
	} else if (o.type == VDM_OPERATION_MEMMOVE && fns.mov != nullptr) {
		fns.mov(d, s, len, f32);
		durable = fns.mov_durable;
	} else if (o.type == VDM_OPERATION_MEMSET && fns.set != nullptr) {
		fns.set(d, o.c, len, f32);
		durable = fns.set_durable;
	} else {
		return false;
	}
	/* With VDM_F_MEM_DURABLE, write back unless the function is durable itself. */
	if ((o.flags & VDM_F_MEM_DURABLE) && !durable)
		mem::flush(d, len);
	return true;
}

/* A plain (no vdm flag) copy, move or fill: the C library. */
void run_plain(const op &o, char *d, const char *s, std::size_t len) noexcept
{
	if (o.type == VDM_OPERATION_MEMCPY)
		std::memcpy(d, s, len);
	else if (o.type == VDM_OPERATION_MEMMOVE)
		std::memmove(d, s, len);
	else if (o.type == VDM_OPERATION_MEMSET)
		std::memset(d, o.c, len);
}

} // namespace

void run_range(const op &o, std::size_t offset, std::size_t len, const custom_fns *fns) noexcept
{
	if (len == 0)
		return;
	if (o.type == VDM_OPERATION_FLUSH) {
		run_kernel(o, offset, len, 0); /* write-back */
		return;
	}
	char *d = static_cast<char *>(o.dst) + offset;
	const char *s = static_cast<const char *>(o.src) + (o.src ? offset : 0);
	if (fns != nullptr && run_custom(o, d, s, len, *fns))
		return;
	if ((o.flags & VDM_F_VALID_FLAGS) == 0)
		run_plain(o, d, s, len);
	else
		run_kernel(o, offset, len, kernel_flags(o.flags));
}

} // namespace masync::vdm_op
