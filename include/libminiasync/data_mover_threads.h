/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libminiasync/data_mover_threads.h -- a mover backed by worker threads.
 *
 * What it is
 *   Operations are handed to a pool of worker threads through a bounded
 *   lock-free queue; large operations are split across idle workers. The
 *   future's first poll submits it; it completes when a worker has finished
 *   it. Supported: memcpy, memmove, memset, flush; VDM_F_MEM_DURABLE and
 *   VDM_F_NO_CACHE_HINT. Notifiers: NONE, WAKER and POLLER, as chosen by
 *   `desired_notifier`. The custom functions set with _set_*_fn receive the
 *   operation's vdm flags.
 *
 * Lifetime
 *   data_mover_threads_delete completes the operations still queued, then
 *   joins the workers and frees the mover. It must not race with polls of
 *   the mover's futures.
 *
 * Thread safety
 *   Any number of threads may create and poll futures at once. The _set_*_fn
 *   calls must happen before futures are created.
 */

#ifndef LIBMINIASYNC_DATA_MOVER_THREADS_H
#define LIBMINIASYNC_DATA_MOVER_THREADS_H 1

#include "vdm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void *(*memcpy_fn)(void *dst, const void *src, size_t n, unsigned flags);
typedef void *(*memmove_fn)(void *dst, const void *src, size_t n, unsigned flags);
typedef void *(*memset_fn)(void *str, int c, size_t n, unsigned flags);

struct data_mover_threads;

/*
 * A new threads mover with `nthreads` workers and a submission queue of
 * `ringbuf_size` entries, whose futures use `desired_notifier`; NULL (errno
 * set) on failure. See data_mover_threads_new(3) for how 0 and values that
 * are not powers of two are treated.
 */
struct data_mover_threads *data_mover_threads_new(size_t nthreads, size_t ringbuf_size,
                                                  enum future_notifier_type desired_notifier);

/* A new threads mover sized for this machine (see data_mover_threads_new(3)). */
struct data_mover_threads *data_mover_threads_default(void);

/* The mover's struct vdm (the same address as the mover). */
struct vdm *data_mover_threads_get_vdm(struct data_mover_threads *dmt);

/* Completes queued operations, stops the workers, frees the mover. NULL is allowed. */
void data_mover_threads_delete(struct data_mover_threads *dmt);

void data_mover_threads_set_memcpy_fn(struct data_mover_threads *dmt, memcpy_fn op_memcpy);
void data_mover_threads_set_memmove_fn(struct data_mover_threads *dmt, memmove_fn op_memmove);
void data_mover_threads_set_memset_fn(struct data_mover_threads *dmt, memset_fn op_memset);

/*
 * masync extension (version node MASYNC_MINIASYNC_1.1, not in miniasync
 * 0.2.1): the same setters with properties of the function, see
 * data_mover_threads_set_memcpy_fn_flags(3).
 *
 * DATA_MOVER_THREADS_FN_DURABLE: called with VDM_F_MEM_DURABLE, the function
 * itself writes its destination back (or streams it) so that only a store
 * fence is missing for it to be durable, wherever the mover's callers point
 * it. The mover then fences instead of writing the range back a second
 * time. Without it (and with the three setters above) the mover writes the
 * range back after the function. Only the caller knows whether this holds:
 * a libpmem2 map's function is durable for memory of that map's granularity
 * only, so pass the flag only if every map the mover serves is that one (or
 * of the same granularity).
 *
 * Returns 0, or EINVAL (nothing changed) when dmt is NULL or fn_flags holds
 * an unknown bit. fn may be NULL (the mover's own function again).
 */
#define DATA_MOVER_THREADS_FN_DURABLE (1u << 0)
#define DATA_MOVER_THREADS_FN_VALID_FLAGS DATA_MOVER_THREADS_FN_DURABLE
int data_mover_threads_set_memcpy_fn_flags(struct data_mover_threads *dmt, memcpy_fn op_memcpy,
                                           unsigned fn_flags);
int data_mover_threads_set_memmove_fn_flags(struct data_mover_threads *dmt, memmove_fn op_memmove,
                                            unsigned fn_flags);
int data_mover_threads_set_memset_fn_flags(struct data_mover_threads *dmt, memset_fn op_memset,
                                           unsigned fn_flags);

#ifdef __cplusplus
}
#endif
#endif /* LIBMINIASYNC_DATA_MOVER_THREADS_H */
