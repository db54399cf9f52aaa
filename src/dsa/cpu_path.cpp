/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The DSA mover's CPU path (see dsa/cpu_path.hpp). Flag mapping as in
 * common/kernels.hpp: no flag -> the C library's functions; otherwise the
 * kernels with nodrain and one fence at the end of the range.
 */

#include "dsa/cpu_path.hpp"
#include "common/kernels.hpp"

#include <cstring>

namespace masync::dsa
{
namespace
{

unsigned kernel_flags(std::uint64_t f) noexcept
{
	const bool durable = f & VDM_F_MEM_DURABLE;
	const bool no_cache = f & VDM_F_NO_CACHE_HINT;
	if (durable && no_cache)
		return mem::nontemporal | mem::nodrain;
	if (no_cache)
		return mem::nontemporal | mem::no_line_flush | mem::nodrain;
	return mem::nodrain;
}

} // namespace

op_args args_of(const struct vdm_operation &op) noexcept
{
	op_args a;
	int t;
	static_assert(sizeof(t) == sizeof(op.type));
	std::memcpy(&t, &op.type, sizeof(t));
	switch (t) {
	case VDM_OPERATION_MEMCPY:
		a = {t,
		     static_cast<char *>(op.data.memcpy.dest),
		     static_cast<const char *>(op.data.memcpy.src),
		     0,
		     op.data.memcpy.n,
		     op.data.memcpy.flags};
		break;
	case VDM_OPERATION_MEMMOVE:
		a = {t,
		     static_cast<char *>(op.data.memmove.dest),
		     static_cast<const char *>(op.data.memmove.src),
		     0,
		     op.data.memmove.n,
		     op.data.memmove.flags};
		break;
	case VDM_OPERATION_MEMSET:
		a = {t,
		     static_cast<char *>(op.data.memset.str),
		     nullptr,
		     op.data.memset.c,
		     op.data.memset.n,
		     op.data.memset.flags};
		break;
	case VDM_OPERATION_FLUSH:
		a = {t,
		     static_cast<char *>(op.data.flush.dest),
		     nullptr,
		     0,
		     op.data.flush.n,
		     op.data.flush.flags};
		break;
	default:
		break;
	}
	return a;
}

void cpu_run(const op_args &a, std::size_t offset, std::size_t len) noexcept
{
	if (len == 0)
		return;
	char *d = a.dst + offset;
	const bool plain = (a.flags & VDM_F_VALID_FLAGS) == 0;
	switch (a.type) {
	case VDM_OPERATION_MEMCPY:
		if (plain)
			std::memcpy(d, a.src + offset, len);
		else
			mem::copy(d, a.src + offset, len, kernel_flags(a.flags));
		break;
	case VDM_OPERATION_MEMMOVE:
		if (plain)
			std::memmove(d, a.src + offset, len);
		else
			mem::move(d, a.src + offset, len, kernel_flags(a.flags));
		break;
	case VDM_OPERATION_MEMSET:
		if (plain)
			std::memset(d, a.c, len);
		else
			mem::set(d, a.c, len, kernel_flags(a.flags));
		break;
	case VDM_OPERATION_FLUSH:
		mem::flush(d, len);
		mem::drain();
		return;
	default:
		return;
	}
	if (!plain)
		mem::drain();
}

void cpu_write_back(const void *dst, std::size_t n) noexcept
{
	mem::flush(dst, n);
	mem::drain();
}

} // namespace masync::dsa
