/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Compile-time checks of the async API's binary layout (the interface
 * contract), included after <libpmem2.h> (with PMEM2_USE_MINIASYNC) by
 * programs built against our headers and by the one built against Debian's
 * PMDK 1.12.1
 * <libpmem2/async.h>: both compile only if the two layouts are the same.
 * Valid C11 and C++.
 */
#ifndef MASYNC_TESTS_ASYNC_LAYOUT_ASSERTS_H
#define MASYNC_TESTS_ASYNC_LAYOUT_ASSERTS_H

#include <stddef.h>

#ifdef __cplusplus
#define ASYNC_LAYOUT(cond) static_assert(cond, #cond)
#else
#define ASYNC_LAYOUT(cond) _Static_assert(cond, #cond)
#endif

/* miniasync's pieces the pmem2 future is built from */
ASYNC_LAYOUT(sizeof(struct future) == 40);
ASYNC_LAYOUT(sizeof(struct future_chain_entry) == 80);
ASYNC_LAYOUT(sizeof(struct vdm_operation_future) == 120);
ASYNC_LAYOUT(offsetof(struct vdm_operation_future, data) == 40);
ASYNC_LAYOUT(offsetof(struct vdm_operation_future, output) == 104);

/* the persist finalizer */
ASYNC_LAYOUT(sizeof(struct pmem2_persist_future_data) == 24);
ASYNC_LAYOUT(offsetof(struct pmem2_persist_future_data, map) == 0);
ASYNC_LAYOUT(offsetof(struct pmem2_persist_future_data, ptr) == 8);
ASYNC_LAYOUT(offsetof(struct pmem2_persist_future_data, size) == 16);
ASYNC_LAYOUT(sizeof(struct pmem2_persist_future_output) == 8);
ASYNC_LAYOUT(sizeof(struct pmem2_persist_future) == 72);
ASYNC_LAYOUT(offsetof(struct pmem2_persist_future, base) == 0);
ASYNC_LAYOUT(offsetof(struct pmem2_persist_future, data) == 40);
ASYNC_LAYOUT(offsetof(struct pmem2_persist_future, output) == 64);
ASYNC_LAYOUT(sizeof(union pmem2_finalize_future) == 72);

/* the chain */
ASYNC_LAYOUT(sizeof(struct pmem2_future_data) == 272);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, op) == 0);
ASYNC_LAYOUT(sizeof(((struct pmem2_future_data *)0)->op) == 160);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, op.map) == 0);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, op.map_arg) == 8);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, op.init) == 16);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, op.init_arg) == 24);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, op.flags) == 32);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, op.fut) == 40);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, fin) == 160);
ASYNC_LAYOUT(sizeof(((struct pmem2_future_data *)0)->fin) == 112);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, fin.flags) == 192);
ASYNC_LAYOUT(offsetof(struct pmem2_future_data, fin.fut) == 200);
ASYNC_LAYOUT(sizeof(struct pmem2_future_output) == 8);
ASYNC_LAYOUT(sizeof(struct pmem2_future) == 320);
ASYNC_LAYOUT(offsetof(struct pmem2_future, base) == 0);
ASYNC_LAYOUT(offsetof(struct pmem2_future, data) == 40);
ASYNC_LAYOUT(offsetof(struct pmem2_future, output) == 312);
ASYNC_LAYOUT(offsetof(struct pmem2_future, output.dest) == 312);

#endif
