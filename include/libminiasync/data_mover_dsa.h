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
 * Creation with options (data_mover_dsa_new)
 *   Work-queue selection: a list of queue names tried in order (NULL: every
 *   usable queue, dedicated ones first; MASYNC_DSA_WQ=name[,name...] is the
 *   default list) and a NUMA policy (any node, the creating thread's node
 *   first, a given node first, or only a given node). Batch size: how many
 *   operations started in one pass of the caller may be sent as one BATCH
 *   descriptor (0 or 1: never; MASYNC_DSA_BATCH). Wait mode: how op_check
 *   waits for a completion record (poll, or UMWAIT where the CPU has
 *   WAITPKG; MASYNC_DSA_WAIT=poll|umwait). data_mover_dsa_options_init
 *   fills the defaults, environment included.
 *
 * Counters
 *   Monotonic; per-thread blocks, so that counting costs no atomic
 *   read-modify-write; a snapshot taken while operations run is consistent
 *   per field only.
 *
 * Thread safety
 *   All functions may be called from any thread at any time while the mover
 *   exists; a new threshold applies to operations started afterwards.
 */
#ifndef LIBMINIASYNC_DATA_MOVER_DSA_H
#define LIBMINIASYNC_DATA_MOVER_DSA_H 1

#include <stddef.h>
#include <stdint.h>

#include <libminiasync-vdm-dml/data_mover_dml.h>

#ifdef __cplusplus
extern "C" {
#endif

struct data_mover_dml;

/* Measured: bench_dsa --sweep, docs/dsa.md (without a device; unmeasured with one). */
#define DATA_MOVER_DSA_DEFAULT_THRESHOLD ((size_t)256 * 1024)

/* Batch size by default (clamped to the queue's maximum). */
#define DATA_MOVER_DSA_DEFAULT_BATCH 16u

enum data_mover_dsa_wait_mode {
	DATA_MOVER_DSA_WAIT_POLL = 0,   /* read the completion record and return */
	DATA_MOVER_DSA_WAIT_UMWAIT = 1, /* UMONITOR/UMWAIT on it briefly (needs WAITPKG) */
};

enum data_mover_dsa_numa_policy {
	DATA_MOVER_DSA_NUMA_ANY = 0,          /* discovery order */
	DATA_MOVER_DSA_NUMA_PREFER_LOCAL = 1, /* queues of the creating thread's node first */
	DATA_MOVER_DSA_NUMA_PREFER_NODE = 2,  /* queues of numa_node first */
	DATA_MOVER_DSA_NUMA_ONLY_NODE = 3,    /* only queues of numa_node */
};

struct data_mover_dsa_options {
	const char *const *wq_names; /* queues to try, in order; NULL: MASYNC_DSA_WQ's, else all */
	size_t wq_count;             /* entries of wq_names */
	enum data_mover_dsa_numa_policy numa_policy;
	int numa_node;       /* for PREFER_NODE / ONLY_NODE */
	size_t threshold;    /* AUTO threshold in bytes */
	unsigned batch_size; /* 0 or 1: no batches; at most the queue's maximum */
	enum data_mover_dsa_wait_mode wait_mode;
};

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
	uint64_t batches;           /* BATCH descriptors accepted */
	uint64_t batched_ops;       /* descriptors sent inside them */
};

/* Fills *opts with the defaults (the environment variables included). */
void data_mover_dsa_options_init(struct data_mover_dsa_options *opts);
/*
 * data_mover_dml_new with options (NULL: the defaults). NULL with errno
 * EINVAL (bad type or options), ENODEV (HARDWARE, no usable queue among
 * those the options allow) or ENOMEM.
 */
struct data_mover_dml *data_mover_dsa_new(enum data_mover_dml_type type,
                                          const struct data_mover_dsa_options *opts);
/* Sets the batch size (0 or 1: none; larger values are clamped). 0 or -1 (EINVAL). */
int data_mover_dsa_set_batch_size(struct data_mover_dml *dmd, unsigned ops);
/* The batch size in effect (0: no batches, also without a queue). */
unsigned data_mover_dsa_get_batch_size(const struct data_mover_dml *dmd);
/* Sets the wait mode; -1 with ENOTSUP for UMWAIT on a CPU without WAITPKG. */
int data_mover_dsa_set_wait_mode(struct data_mover_dml *dmd, enum data_mover_dsa_wait_mode mode);
/* The wait mode in effect. */
enum data_mover_dsa_wait_mode data_mover_dsa_get_wait_mode(const struct data_mover_dml *dmd);

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
