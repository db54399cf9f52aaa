/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libminiasync/data_mover_sync.h -- a mover that works on the polling thread.
 *
 * What it is
 *   The synchronous data mover carries out each operation on the thread that
 *   polls the future, during its first poll: memcpy, memmove, memset and
 *   flush (CLWB, else CLFLUSHOPT, else CLFLUSH, then SFENCE; chosen at run
 *   time). Its futures complete on their first poll and use no notifier.
 *   VDM_F_MEM_DURABLE is honoured (the written range is flushed and fenced).
 *
 * Records
 *   Each future holds one record from a bounded per-mover pool from its
 *   creation until it completes (16384 by default). When none is left,
 *   vdm_* returns a future that is already complete with result
 *   VDM_ERROR_OUT_OF_MEMORY; completing any future frees its record for
 *   reuse, in any order.
 *
 * Lifetime and thread safety
 *   The mover must outlive its futures. Any number of threads may create and
 *   poll futures on one mover at once. data_mover_sync_get_vdm(m) returns the
 *   struct vdm that starts the mover, so (struct vdm *)m is the same pointer.
 */

#ifndef LIBMINIASYNC_DATA_MOVER_SYNC_H
#define LIBMINIASYNC_DATA_MOVER_SYNC_H 1

#include "vdm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct data_mover_sync;

/* A new synchronous mover, or NULL (errno set) on allocation failure. */
struct data_mover_sync *data_mover_sync_new(void);

/* The mover's struct vdm (the same address as the mover). */
struct vdm *data_mover_sync_get_vdm(struct data_mover_sync *dms);

/* Frees the mover. NULL is allowed. */
void data_mover_sync_delete(struct data_mover_sync *dms);

#ifdef __cplusplus
}
#endif
#endif /* LIBMINIASYNC_DATA_MOVER_SYNC_H */
