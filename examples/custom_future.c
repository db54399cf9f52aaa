/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * custom_future -- a future of our own that does its work on another
 * thread and tells the runtime when it is done with a waker, so the runtime
 * sleeps instead of spinning. Two of them (summing different ranges) and a
 * data mover future are waited for together.
 *
 * The future's task:
 *   first poll:  start a worker thread, keep the waker, report WAKER, RUNNING;
 *   later polls: RUNNING until the worker has published its result, then
 *                collect it (join the thread) and report COMPLETE.
 */

#include <libminiasync.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct sum_data {
	uint64_t from, to; /* sums [from, to) */
	pthread_t worker;
	int started;
	struct future_waker waker; /* written before the worker starts, read by it */
	uint64_t partial;          /* the worker's result ... */
	atomic_int done;           /* ... published by this flag */
};

struct sum_output {
	uint64_t sum;
};

FUTURE(sum_future, struct sum_data, struct sum_output);

static void *sum_worker(void *arg)
{
	struct sum_data *d = arg;
	uint64_t s = 0;
	for (uint64_t i = d->from; i < d->to; ++i)
		s += i;
	d->partial = s;
	atomic_store_explicit(&d->done, 1, memory_order_release);
	/* The flag is published: now the poller may look again. */
	FUTURE_WAKER_WAKE(&d->waker);
	return NULL;
}

static enum future_state sum_task(struct future_context *ctx, struct future_notifier *notifier)
{
	struct sum_data *d = future_context_get_data(ctx);
	struct sum_output *out = future_context_get_output(ctx);

	if (!d->started) {
		if (notifier == NULL) {
			/* Nobody to wake: do the work right here. */
			sum_worker(d);
			out->sum = d->partial;
			return FUTURE_STATE_COMPLETE;
		}
		d->waker = notifier->waker;
		notifier->notifier_used = FUTURE_NOTIFIER_WAKER;
		if (pthread_create(&d->worker, NULL, sum_worker, d) != 0) {
			sum_worker(d); /* no thread: compute inline */
			out->sum = d->partial;
			return FUTURE_STATE_COMPLETE;
		}
		d->started = 1;
		return FUTURE_STATE_RUNNING;
	}
	if (notifier != NULL)
		notifier->notifier_used = FUTURE_NOTIFIER_WAKER;
	if (!atomic_load_explicit(&d->done, memory_order_acquire))
		return FUTURE_STATE_RUNNING;
	pthread_join(d->worker, NULL);
	out->sum = d->partial;
	return FUTURE_STATE_COMPLETE;
}

/* The work happens on another thread: let the runtime poll these first. */
static int sum_property(void *future, enum future_property property)
{
	(void)future;
	return property == FUTURE_PROPERTY_ASYNC;
}

static void sum_init(struct sum_future *f, uint64_t from, uint64_t to)
{
	memset(&f->data, 0, sizeof(f->data));
	f->data.from = from;
	f->data.to = to;
	atomic_init(&f->data.done, 0);
	f->output.sum = 0;
	FUTURE_INIT_EXT(f, sum_task, sum_property);
}

int main(void)
{
	int ret = 1;
	struct runtime *r = runtime_new();
	struct data_mover_sync *dms = data_mover_sync_new();
	if (r == NULL || dms == NULL) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}

	struct sum_future low, high;
	sum_init(&low, 0, 5000000);
	sum_init(&high, 5000000, 10000000);
	char banner[32];
	struct vdm_operation_future clear =
	    vdm_memset(data_mover_sync_get_vdm(dms), banner, '=', sizeof(banner) - 1, 0);
	banner[sizeof(banner) - 1] = '\0';

	struct future *futs[] = {FUTURE_AS_RUNNABLE(&clear), FUTURE_AS_RUNNABLE(&low),
	                         FUTURE_AS_RUNNABLE(&high)};
	runtime_wait_multiple(r, futs, sizeof(futs) / sizeof(futs[0]));

	uint64_t total = FUTURE_OUTPUT(&low)->sum + FUTURE_OUTPUT(&high)->sum;
	uint64_t expect = (uint64_t)10000000 * (10000000 - 1) / 2;
	printf("%s\nsum of 0..9999999 computed by two waker futures: %llu (%s)\n", banner,
	       (unsigned long long)total, total == expect ? "correct" : "WRONG");
	ret = total == expect && banner[0] == '=' ? 0 : 1;
out:
	data_mover_sync_delete(dms);
	runtime_delete(r);
	return ret;
}
