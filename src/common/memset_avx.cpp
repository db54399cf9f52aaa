/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* common/memset_avx.cpp -- the memset kernels for avx (mem_set.hpp). */

#if defined(__x86_64__)

#include "common/mem_set.hpp"
#include "common/vec_avx.hpp"

namespace masync::mem::detail
{

void install_set_avx(isa_table &t)
{
	install_set<v_avx>(t);
}

} // namespace masync::mem::detail
#endif
