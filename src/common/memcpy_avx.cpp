/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* common/memcpy_avx.cpp -- the memmove kernels for avx (mem_copy.hpp). */

#if defined(__x86_64__)

#include "common/mem_copy.hpp"
#include "common/vec_avx.hpp"

namespace masync::mem::detail
{

void install_move_avx(isa_table &t)
{
	install_move<v_avx>(t);
}

} // namespace masync::mem::detail
#endif
