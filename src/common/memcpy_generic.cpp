/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* common/memcpy_generic.cpp -- the memmove kernels for generic (mem_copy.hpp). */

#include "common/mem_copy.hpp"
#include "common/vec_generic.hpp"

namespace masync::mem::detail
{

void install_move_generic(isa_table &t)
{
	install_move<v_generic>(t);
}

} // namespace masync::mem::detail
