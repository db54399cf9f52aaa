/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* common/memcpy_avx512f.cpp -- the memmove kernels for avx512f (mem_copy.hpp). */

#if defined(__x86_64__)

#include "common/mem_copy.hpp"
#include "common/vec_avx512f.hpp"

namespace masync::mem::detail
{

void install_move_avx512f(isa_table &t)
{
	install_move<v_avx512f>(t);
}

} // namespace masync::mem::detail
#endif
