/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* common/memset_avx512f.cpp -- the memset kernels for avx512f (mem_set.hpp). */

#if defined(__x86_64__)

#include "common/mem_set.hpp"
#include "common/vec_avx512f.hpp"

namespace masync::mem::detail
{

void install_set_avx512f(isa_table &t)
{
	install_set<v_avx512f>(t);
}

} // namespace masync::mem::detail
#endif
