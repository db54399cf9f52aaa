/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Futures: the FUTURE layout, the context accessors, future_poll, the
 * property functions (FUTURE_INIT, FUTURE_INIT_EXT, FUTURE_INIT_COMPLETE)
 * and the helper macros.
 */

#include "libminiasync/future.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>

namespace
{

struct pair_data {
	int a;
	int b;
	struct future_notifier *seen_notifier;
	int calls;
};
struct sum_output {
	long sum;
};
FUTURE(sum_future, struct pair_data, struct sum_output);

/* Adds a and b on its second poll. */
enum future_state sum_task(struct future_context *ctx, struct future_notifier *n)
{
	auto *d = static_cast<pair_data *>(future_context_get_data(ctx));
	d->seen_notifier = n;
	if (++d->calls < 2)
		return FUTURE_STATE_RUNNING;
	static_cast<sum_output *>(future_context_get_output(ctx))->sum = d->a + d->b;
	return FUTURE_STATE_COMPLETE;
}

int async_only(void *future, enum future_property property)
{
	(void)future;
	return property == FUTURE_PROPERTY_ASYNC;
}

sum_future make_sum(int a, int b)
{
	sum_future f;
	f.data = pair_data{a, b, nullptr, 0};
	f.output.sum = -1;
	FUTURE_INIT(&f, sum_task);
	return f;
}

} // namespace

TEST(future, layout_and_context_accessors)
{
	sum_future f = make_sum(1, 2);
	struct future_context *ctx = &f.base.context;
	EXPECT_EQ(offsetof(sum_future, base), 0u);
	EXPECT_EQ(ctx->data_size, sizeof(pair_data));
	EXPECT_EQ(ctx->output_size, sizeof(sum_output));
	EXPECT_EQ(ctx->padding, 0u);
	EXPECT_EQ(future_context_get_data(ctx), static_cast<void *>(&f.data));
	EXPECT_EQ(future_context_get_output(ctx), static_cast<void *>(&f.output));
	EXPECT_EQ(future_context_get_size(ctx), sizeof(pair_data) + sizeof(sum_output));
	EXPECT_EQ(FUTURE_DATA(&f), &f.data);
	EXPECT_EQ(FUTURE_OUTPUT(&f), &f.output);
	EXPECT_EQ(FUTURE_AS_RUNNABLE(&f), &f.base);
	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_IDLE);
}

TEST(future, poll_runs_task_until_complete_then_never_again)
{
	sum_future f = make_sum(40, 2);
	struct future_notifier n;
	std::memset(&n, 0, sizeof(n));
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), &n), FUTURE_STATE_RUNNING);
	EXPECT_EQ(f.data.seen_notifier, &n) << "the notifier reaches the task";
	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_RUNNING);
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), nullptr), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(f.data.seen_notifier, nullptr) << "NULL is passed through";
	EXPECT_EQ(f.output.sum, 42);
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), nullptr), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(f.data.calls, 2) << "a complete future's task is not run";
}

TEST(future, busy_poll)
{
	sum_future f = make_sum(5, 6);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(FUTURE_OUTPUT(&f)->sum, 11);
}

TEST(future, properties)
{
	sum_future plain = make_sum(0, 0);
	EXPECT_EQ(plain.base.has_property, &future_has_property_default);
	EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&plain), FUTURE_PROPERTY_ASYNC), 0);

	sum_future ext;
	ext.data = pair_data{1, 1, nullptr, 0};
	FUTURE_INIT_EXT(&ext, sum_task, async_only);
	EXPECT_EQ(ext.base.task, &sum_task);
	EXPECT_EQ(ext.base.has_property, &async_only);
	EXPECT_EQ(FUTURE_STATE(&ext), FUTURE_STATE_IDLE);
	EXPECT_EQ(ext.base.context.data_size, sizeof(pair_data));
	EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&ext), FUTURE_PROPERTY_ASYNC), 1);
	FUTURE_BUSY_POLL(&ext);
	EXPECT_EQ(FUTURE_OUTPUT(&ext)->sum, 2);

	/* No property function at all: no properties, no crash. */
	sum_future none;
	FUTURE_INIT_EXT(&none, sum_task, NULL);
	EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&none), FUTURE_PROPERTY_ASYNC), 0);
}

TEST(future, init_complete)
{
	sum_future f;
	f.output.sum = 99;
	FUTURE_INIT_COMPLETE(&f);
	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(f.base.task, nullptr);
	EXPECT_EQ(f.base.has_property, nullptr);
	EXPECT_EQ(f.base.context.data_size, sizeof(pair_data));
	EXPECT_EQ(f.base.context.output_size, sizeof(sum_output));
	EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&f), FUTURE_PROPERTY_ASYNC), 0);
	/* Polling never calls the (NULL) task; the output is left alone. */
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), nullptr), FUTURE_STATE_COMPLETE);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(f.output.sum, 99);
}

TEST(future, waker_macro_calls_wake_with_data)
{
	struct hit {
		int count = 0;
		static void wake(void *data) { static_cast<hit *>(data)->count++; }
	} h;
	struct future_waker w = {&h, hit::wake};
	FUTURE_WAKER_WAKE(&w);
	FUTURE_WAKER_WAKE(&w);
	EXPECT_EQ(h.count, 2);
}

/* Futures may be moved (copied bitwise) before they are polled, or between polls. */
TEST(future, can_be_moved)
{
	sum_future a = make_sum(3, 4);
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&a), nullptr), FUTURE_STATE_RUNNING);
	sum_future b;
	std::memcpy(&b, &a, sizeof(a));
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&b), nullptr), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(b.output.sum, 7);
}
