/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libminiasync-vdm-dml.h -- the DSA data mover behind miniasync 0.2.1's DML
 * mover interface (extras/dml), source-compatible with it.
 *
 * What it is
 *   A virtual data mover (struct vdm, see libminiasync/vdm.h) whose
 *   operations run on an Intel Data Streaming Accelerator work queue through
 *   the Linux idxd user interface, or on the CPU with masync's kernels. It
 *   does not use or need Intel's DML library (<dml/dml.h>). The constructor,
 *   the vdm accessor and the destructor are declared in the sub-header
 *   libminiasync-vdm-dml/data_mover_dml.h, included here.
 *
 * Lifetime, thread safety, ordering
 *   As for every mover (libminiasync/vdm.h): the mover outlives its futures;
 *   any number of threads may create and poll futures on one mover; when a
 *   future completes, what the operation wrote is visible to the polling
 *   thread (the completion record's status is read with acquire semantics).
 *
 * The MINIASYNC_DML_F_* names of 0.2.1 are provided for source
 * compatibility; operations take the VDM_F_* flags (MINIASYNC_DML_F_MEM_DURABLE
 * has the value of VDM_F_MEM_DURABLE). MINIASYNC_DML_F_PATH_HW has no effect:
 * the path is chosen by the mover's type.
 */
#ifndef MINIASYNC_VDM_DML_H
#define MINIASYNC_VDM_DML_H 1

#include <stddef.h>
#include <stdio.h>

#include "libminiasync-vdm-dml/data_mover_dml.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MINIASYNC_DML_F_MEM_DURABLE (1U << 0)
#define MINIASYNC_DML_F_PATH_HW (1U << 1)
#define MINIASYNC_DML_F_VALID_FLAGS (MINIASYNC_DML_F_MEM_DURABLE | MINIASYNC_DML_F_PATH_HW)

#ifdef __cplusplus
}
#endif

#endif /* MINIASYNC_VDM_DML_H */
