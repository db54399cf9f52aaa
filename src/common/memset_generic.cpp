/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* common/memset_generic.cpp -- the memset kernels for generic (mem_set.hpp). */

#include "common/mem_set.hpp"
#include "common/vec_generic.hpp"

namespace masync::mem::detail
{

void install_set_generic(isa_table &t)
{
	install_set<v_generic>(t);
}

} // namespace masync::mem::detail
