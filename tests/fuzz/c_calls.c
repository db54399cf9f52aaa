/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/fuzz/c_calls.c -- calls the fuzzers make the way a C program would:
 * an enum parameter given any int (well defined in C, out of range for the
 * C++ enum the library sees). Thread safety: as the wrapped functions.
 */
#include <libpmem2.h>

int fuzz_c_set_granularity(struct pmem2_config *cfg, int g);
int fuzz_c_set_sharing(struct pmem2_config *cfg, int t);

int fuzz_c_set_granularity(struct pmem2_config *cfg, int g)
{
	return pmem2_config_set_required_store_granularity(cfg, (enum pmem2_granularity)g);
}

int fuzz_c_set_sharing(struct pmem2_config *cfg, int t)
{
	return pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type)t);
}
