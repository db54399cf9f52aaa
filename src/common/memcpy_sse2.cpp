/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* common/memcpy_sse2.cpp -- the memmove kernels for sse2 (mem_copy.hpp). */

#if defined(__x86_64__)

#include "common/mem_copy.hpp"
#include "common/vec_sse2.hpp"

namespace masync::mem::detail
{

void install_move_sse2(isa_table &t)
{
	install_move<v_sse2>(t);
}

} // namespace masync::mem::detail
#endif
