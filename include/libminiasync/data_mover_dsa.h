/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libminiasync/data_mover_dsa.h -- masync's native interface to the DSA data
 * mover of libminiasync-vdm-dml (no miniasync counterpart). Link with
 * libminiasync-vdm-dml.
 *
 * What it is
 *   Settings of a struct data_mover_dml beyond its type, and its counters.
 *
 * Threshold (AUTO only)
 *   Operations of fewer bytes than the threshold run inline on the polling
 *   thread's CPU; larger ones go to DSA or to the internal threads mover.
 *   Default: MASYNC_DSA_AUTO_THRESHOLD from the environment at
 *   data_mover_dml_new, else DATA_MOVER_DSA_DEFAULT_THRESHOLD.
 *
 * Counters
 *   Monotonic, updated with relaxed atomics as operations progress; a
 *   snapshot taken while operations run is consistent per field only.
 *
 * Thread safety
 *   All functions may be called from any thread at any time while the mover
 *   exists; a new threshold applies to operations started afterwards.
 */
#ifndef LIBMINIASYNC_DATA_MOVER_DSA_H
#define LIBMINIASYNC_DATA_MOVER_DSA_H 1

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct data_mover_dml;

#define DATA_MOVER_DSA_DEFAULT_THRESHOLD ((size_t)64 * 1024)

struct data_mover_dsa_counters {
	uint64_t submissions;       /* descriptors accepted by a work queue */
	uint64_t completions;       /* completion records read with success */
	uint64_t bytes_dsa;         /* bytes moved, filled or flushed by DSA */
	uint64_t bytes_cpu;         /* bytes done on the CPU (inline or fallback) */
	uint64_t bytes_threads;     /* bytes handed to the internal threads mover */
	uint64_t refused;           /* submissions the queue refused */
	uint64_t page_faults;       /* partial completions (page fault, no block) */
	uint64_t resubmissions;     /* remainders resubmitted after a page fault */
	uint64_t fallback_refused;  /* operations finished on the CPU: refused */
	uint64_t fallback_fault;    /* ... : too many page faults */
	uint64_t fallback_overlap;  /* ... : overlapping memmove */
	uint64_t errors;            /* operations ended with an error status */
	uint64_t last_error_status; /* the last such status byte */
};

/* Sets the AUTO threshold in bytes (0: everything off the CPU). 0 or -1 (EINVAL). */
int data_mover_dsa_set_threshold(struct data_mover_dml *dmd, size_t bytes);
/* The AUTO threshold in bytes (0 for a NULL mover). */
size_t data_mover_dsa_get_threshold(const struct data_mover_dml *dmd);
/* Copies the counters into *out. 0 or -1 (EINVAL). */
int data_mover_dsa_get_counters(const struct data_mover_dml *dmd,
                                struct data_mover_dsa_counters *out);
/* Name of the work queue the mover submits to ("wq0.1", "model/wq0.0"), or NULL. */
const char *data_mover_dsa_wq_name(const struct data_mover_dml *dmd);

#ifdef __cplusplus
}
#endif

#endif
