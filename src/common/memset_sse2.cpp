/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* common/memset_sse2.cpp -- the memset kernels for sse2 (mem_set.hpp). */

#if defined(__x86_64__)

#include "common/mem_set.hpp"
#include "common/vec_sse2.hpp"

namespace masync::mem::detail
{

void install_set_sse2(isa_table &t)
{
	install_set<v_sse2>(t);
}

} // namespace masync::mem::detail
#endif
