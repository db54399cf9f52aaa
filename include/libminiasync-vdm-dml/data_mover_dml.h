/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libminiasync-vdm-dml/data_mover_dml.h -- create, use and delete a DSA
 * data mover (the names of miniasync 0.2.1's DML mover).
 *
 * Types
 *   DATA_MOVER_DML_SOFTWARE  every operation runs on the polling thread's CPU
 *                            with masync's memory kernels.
 *   DATA_MOVER_DML_HARDWARE  every operation is offloaded to a DSA work queue
 *                            (the CPU only takes what the device cannot do:
 *                            overlapping moves, destination write-back for
 *                            VDM_F_MEM_DURABLE). data_mover_dml_new returns
 *                            NULL when no usable work queue exists.
 *   DATA_MOVER_DML_AUTO      small operations inline on the CPU, large ones on
 *                            DSA when a work queue exists, else on a threads
 *                            mover's workers; refused submissions and faults
 *                            continue on the CPU. Threshold: see
 *                            libminiasync/data_mover_dsa.h.
 *
 * Lifetime
 *   data_mover_dml_delete must not be called while futures of the mover are
 *   pending. data_mover_dml_get_vdm returns a pointer into the mover, valid
 *   until it is deleted.
 *
 * Thread safety
 *   new/delete: as for any object; the vdm may be used by many threads.
 */
#ifndef MINIASYNC_VDM_DML_DATA_MOVER_DML_H
#define MINIASYNC_VDM_DML_DATA_MOVER_DML_H 1

#include <libminiasync.h>

#ifdef __cplusplus
extern "C" {
#endif

struct data_mover_dml;

enum data_mover_dml_type {
	DATA_MOVER_DML_SOFTWARE,
	DATA_MOVER_DML_HARDWARE,
	DATA_MOVER_DML_AUTO,
};

/* A new mover of this type; NULL (errno set) when it cannot be made. */
struct data_mover_dml *data_mover_dml_new(enum data_mover_dml_type type);
/* The mover's vdm (NULL for a NULL mover). */
struct vdm *data_mover_dml_get_vdm(struct data_mover_dml *dmd);
/* Frees the mover (NULL is ignored). */
void data_mover_dml_delete(struct data_mover_dml *dmd);

#ifdef __cplusplus
}
#endif

#endif
