/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libminiasync/runtime.h -- waits for futures without burning a core.
 *
 * What it is
 *   A runtime polls futures until they complete. Between passes that make no
 *   progress it spins briefly, then sleeps until a future's waker (or poller
 *   word) says it can progress. Futures that use no notifier are polled again
 *   with a bounded back-off (spin, yield, short sleeps of at most 1 ms).
 *
 * Order
 *   runtime_wait_multiple polls every unfinished future once per pass: those
 *   with FUTURE_PROPERTY_ASYNC first, then the others, each group in the
 *   caller's order. The caller's array is never reordered. Futures already
 *   complete on entry count as done. It returns when all are complete.
 *
 * Lifetime
 *   runtime_delete must not be called while a wait is in progress.
 *
 * Thread safety
 *   Several threads may wait on one runtime at the same time, each on its own
 *   futures. A waker may be called from any thread, any number of times,
 *   also after the wait it belonged to has returned: the waker data points to
 *   a per-thread record that is never freed (it is recycled when its thread
 *   exits), so a late call -- after the wait, after runtime_delete, after the
 *   waiting thread ended -- is safe and costs at most one extra polling pass.
 *
 * Memory ordering
 *   A wait returns after observing every future COMPLETE; what the futures
 *   published before completing is visible to the caller.
 */

#ifndef LIBMINIASYNC_RUNTIME_H
#define LIBMINIASYNC_RUNTIME_H 1

#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

struct runtime;

/* A new runtime, or NULL (errno set) when it cannot be allocated. */
struct runtime *runtime_new(void);

/* Frees the runtime. NULL is allowed. */
void runtime_delete(struct runtime *runtime);

/* Polls the nfuts futures of futs until all are complete. */
void runtime_wait_multiple(struct runtime *runtime, struct future *futs[], size_t nfuts);

/* Polls fut until it is complete. */
void runtime_wait(struct runtime *runtime, struct future *fut);

#ifdef __cplusplus
}
#endif
#endif /* LIBMINIASYNC_RUNTIME_H */
