/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/export.hpp -- PMEM2_EXPORT marks a public libpmem2 entry point.
 *
 * The library is compiled with hidden visibility; only functions defined
 * with PMEM2_EXPORT (C linkage, default visibility) can be exported, and the
 * version script (libpmem2.map) then lists exactly which ones are.
 */
#ifndef MASYNC_PMEM2_EXPORT_HPP
#define MASYNC_PMEM2_EXPORT_HPP

#define PMEM2_EXPORT extern "C" __attribute__((visibility("default")))

#endif
