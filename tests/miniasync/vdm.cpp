/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The virtual data mover interface, on a scripted test mover: the generic
 * operation's lifecycle (op_new, op_start with back-pressure, op_check,
 * op_delete), out-of-memory futures, the operation descriptions built by
 * vdm_memcpy/memmove/memset/flush, and vdm_is_supported.
 */

#include "libminiasync.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace
{

/* A mover whose every callback is recorded and whose answers are scripted. */
struct script_vdm {
	struct vdm base; /* first: (struct vdm *) casts to it */
	/* script */
	bool fail_new = false;
	int start_failures = 0; /* op_start refuses this many times */
	int running_checks = 0; /* op_check says RUNNING this many times */
	enum vdm_operation_result result = VDM_SUCCESS;
	/* record */
	int news = 0, starts = 0, checks = 0, deletes = 0;
	std::vector<enum vdm_operation_type> new_types;
	struct vdm_operation started_op;
	struct future_notifier *start_notifier = nullptr;
	int record; /* the single per-operation record handed out */
	bool record_in_use = false;
};

script_vdm *script_of(void *record)
{
	return reinterpret_cast<script_vdm *>(reinterpret_cast<char *>(record) -
	                                      offsetof(script_vdm, record));
}

void *s_new(struct vdm *vdm, const enum vdm_operation_type type)
{
	auto *s = reinterpret_cast<script_vdm *>(vdm);
	s->news++;
	s->new_types.push_back(type);
	if (s->fail_new || s->record_in_use)
		return nullptr;
	s->record_in_use = true;
	return &s->record;
}

int s_start(void *data, const struct vdm_operation *op, struct future_notifier *n)
{
	script_vdm *s = script_of(data);
	s->starts++;
	if (s->start_failures > 0) {
		s->start_failures--;
		return 1;
	}
	s->started_op = *op;
	s->start_notifier = n;
	if (n != nullptr)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	return 0;
}

enum future_state s_check(void *data, const struct vdm_operation *op)
{
	(void)op;
	script_vdm *s = script_of(data);
	s->checks++;
	if (s->running_checks > 0) {
		s->running_checks--;
		return FUTURE_STATE_RUNNING;
	}
	return FUTURE_STATE_COMPLETE;
}

void s_delete(void *data, const struct vdm_operation *op, struct vdm_operation_output *out)
{
	script_vdm *s = script_of(data);
	s->deletes++;
	s->record_in_use = false;
	out->type = op->type;
	out->result = s->result;
	out->output.memcpy.dest = op->data.memcpy.dest;
}

int s_async(void *future, enum future_property property)
{
	(void)future;
	return property == FUTURE_PROPERTY_ASYNC;
}

void init_script(script_vdm &s, unsigned caps = 0)
{
	s.base.op_new = s_new;
	s.base.op_delete = s_delete;
	s.base.op_start = s_start;
	s.base.op_check = s_check;
	s.base.capabilities = caps;
	s.base.has_property = s_async;
}

} // namespace

TEST(vdm, generic_operation_lifecycle)
{
	script_vdm s;
	init_script(s);
	s.start_failures = 2;
	s.running_checks = 3;
	char src[16] = "abc", dst[16];

	auto fut = vdm_memcpy(&s.base, dst, src, sizeof(src), VDM_F_MEM_DURABLE);
	EXPECT_EQ(s.news, 1);
	EXPECT_EQ(s.new_types.at(0), VDM_OPERATION_MEMCPY);
	EXPECT_EQ(fut.data.vdm, &s.base);
	EXPECT_EQ(fut.data.data, &s.record);
	EXPECT_EQ(FUTURE_STATE(&fut), FUTURE_STATE_IDLE);
	EXPECT_EQ(fut.base.has_property, &s_async) << "futures get the mover's property function";
	EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&fut), FUTURE_PROPERTY_ASYNC), 1);
	EXPECT_EQ(s.starts, 0) << "nothing runs before the first poll";

	struct future_notifier n;
	std::memset(&n, 0, sizeof(n));
	/* Start refused twice: the future stays IDLE and is started again. */
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fut), &n), FUTURE_STATE_IDLE);
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fut), &n), FUTURE_STATE_IDLE);
	EXPECT_EQ(s.checks, 0);
	/* Started; checked right away; RUNNING three times. */
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fut), &n), FUTURE_STATE_RUNNING);
	EXPECT_EQ(s.starts, 3);
	EXPECT_EQ(s.start_notifier, &n);
	EXPECT_EQ(s.started_op.type, VDM_OPERATION_MEMCPY);
	EXPECT_EQ(s.started_op.data.memcpy.dest, dst);
	EXPECT_EQ(s.started_op.data.memcpy.src, src);
	EXPECT_EQ(s.started_op.data.memcpy.n, sizeof(src));
	EXPECT_EQ(s.started_op.data.memcpy.flags, VDM_F_MEM_DURABLE);
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fut), &n), FUTURE_STATE_RUNNING);
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fut), &n), FUTURE_STATE_RUNNING);
	EXPECT_EQ(s.starts, 3) << "a RUNNING operation is not started again";
	EXPECT_EQ(s.deletes, 0);
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fut), &n), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(s.deletes, 1);
	EXPECT_FALSE(s.record_in_use);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->type, VDM_OPERATION_MEMCPY);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->output.memcpy.dest, dst);
	/* Complete: further polls touch nothing. */
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&fut), &n), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(s.checks, 4);
	EXPECT_EQ(s.deletes, 1);
}

TEST(vdm, mover_reported_failure_reaches_output)
{
	script_vdm s;
	init_script(s);
	s.result = VDM_ERROR_JOB_CORRUPTED;
	int x = 0;
	auto fut = vdm_memset(&s.base, &x, 1, sizeof(x), 0);
	FUTURE_BUSY_POLL(&fut);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_ERROR_JOB_CORRUPTED);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->type, VDM_OPERATION_MEMSET);
}

/* No record: an already-complete future reporting VDM_ERROR_OUT_OF_MEMORY. */
TEST(vdm, out_of_records_gives_complete_oom_future)
{
	script_vdm s;
	init_script(s);
	int a = 1, b = 2;
	auto held = vdm_memcpy(&s.base, &b, &a, sizeof(a), 0); /* takes the only record */
	ASSERT_EQ(FUTURE_STATE(&held), FUTURE_STATE_IDLE);

	auto oom = vdm_memmove(&s.base, &b, &a, sizeof(a), 0);
	EXPECT_EQ(FUTURE_STATE(&oom), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(FUTURE_OUTPUT(&oom)->result, VDM_ERROR_OUT_OF_MEMORY);
	EXPECT_EQ(FUTURE_OUTPUT(&oom)->type, VDM_OPERATION_MEMMOVE);
	EXPECT_EQ(oom.data.data, nullptr);
	EXPECT_EQ(oom.base.task, nullptr);
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&oom), nullptr), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(s.starts, 0) << "an OOM future never reaches the mover";
	EXPECT_EQ(b, 2);

	s.fail_new = true;
	auto oom2 = vdm_flush(&s.base, &b, sizeof(b), 0);
	EXPECT_EQ(FUTURE_OUTPUT(&oom2)->result, VDM_ERROR_OUT_OF_MEMORY);
	EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&oom2), FUTURE_PROPERTY_ASYNC), 0);

	/* Finishing the held future returns its record. */
	s.fail_new = false;
	FUTURE_BUSY_POLL(&held);
	auto ok = vdm_memcpy(&s.base, &b, &a, sizeof(a), 0);
	EXPECT_EQ(FUTURE_STATE(&ok), FUTURE_STATE_IDLE);
	FUTURE_BUSY_POLL(&ok);
}

TEST(vdm, operation_descriptions)
{
	script_vdm s;
	init_script(s);
	char buf[64];

	auto c = vdm_memcpy(&s.base, buf, buf + 32, 16, VDM_F_NO_CACHE_HINT);
	EXPECT_EQ(c.data.operation.type, VDM_OPERATION_MEMCPY);
	EXPECT_EQ(c.data.operation.data.memcpy.dest, buf);
	EXPECT_EQ(c.data.operation.data.memcpy.src, buf + 32);
	EXPECT_EQ(c.data.operation.data.memcpy.n, 16u);
	EXPECT_EQ(c.data.operation.data.memcpy.flags, VDM_F_NO_CACHE_HINT);
	EXPECT_EQ(c.output.type, VDM_OPERATION_MEMCPY);
	FUTURE_BUSY_POLL(&c);

	auto m = vdm_memmove(&s.base, buf + 1, buf, 20, 0);
	EXPECT_EQ(m.data.operation.type, VDM_OPERATION_MEMMOVE);
	EXPECT_EQ(m.data.operation.data.memmove.dest, buf + 1);
	EXPECT_EQ(m.data.operation.data.memmove.src, buf);
	EXPECT_EQ(m.data.operation.data.memmove.n, 20u);
	FUTURE_BUSY_POLL(&m);

	auto st = vdm_memset(&s.base, buf, 0x7f, 8, VDM_F_MEM_DURABLE);
	EXPECT_EQ(st.data.operation.type, VDM_OPERATION_MEMSET);
	EXPECT_EQ(st.data.operation.data.memset.str, buf);
	EXPECT_EQ(st.data.operation.data.memset.c, 0x7f);
	EXPECT_EQ(st.data.operation.data.memset.n, 8u);
	EXPECT_EQ(st.data.operation.data.memset.flags, VDM_F_MEM_DURABLE);
	FUTURE_BUSY_POLL(&st);

	auto f = vdm_flush(&s.base, buf, 64, 0);
	EXPECT_EQ(f.data.operation.type, VDM_OPERATION_FLUSH);
	EXPECT_EQ(f.data.operation.data.flush.dest, buf);
	EXPECT_EQ(f.data.operation.data.flush.n, 64u);
	EXPECT_EQ(f.data.operation.data.flush.flags, 0u);
	FUTURE_BUSY_POLL(&f);

	EXPECT_EQ(s.new_types, (std::vector<enum vdm_operation_type>{
	                           VDM_OPERATION_MEMCPY, VDM_OPERATION_MEMMOVE,
	                           VDM_OPERATION_MEMSET, VDM_OPERATION_FLUSH}));
}

/*
 * Regression: miniasync computed `capabilities && capability`, which says
 * "supported" for any flag as soon as the mover has any capability.
 */
TEST(vdm, is_supported_is_bitwise)
{
	script_vdm s;
	init_script(s, VDM_F_MEM_DURABLE);
	EXPECT_TRUE(vdm_is_supported(&s.base, VDM_F_MEM_DURABLE));
	EXPECT_FALSE(vdm_is_supported(&s.base, VDM_F_NO_CACHE_HINT));
	EXPECT_FALSE(vdm_is_supported(&s.base, VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT));

	s.base.capabilities = VDM_F_NO_CACHE_HINT;
	EXPECT_FALSE(vdm_is_supported(&s.base, VDM_F_MEM_DURABLE));
	EXPECT_TRUE(vdm_is_supported(&s.base, VDM_F_NO_CACHE_HINT));

	s.base.capabilities = VDM_F_VALID_FLAGS;
	EXPECT_TRUE(vdm_is_supported(&s.base, VDM_F_MEM_DURABLE));
	EXPECT_TRUE(vdm_is_supported(&s.base, VDM_F_NO_CACHE_HINT));
	EXPECT_TRUE(vdm_is_supported(&s.base, VDM_F_VALID_FLAGS));

	s.base.capabilities = 0;
	EXPECT_FALSE(vdm_is_supported(&s.base, VDM_F_MEM_DURABLE));
	EXPECT_FALSE(vdm_is_supported(&s.base, VDM_F_NO_CACHE_HINT));
	EXPECT_TRUE(vdm_is_supported(&s.base, 0)) << "the empty set is always supported";
}

TEST(vdm, flag_values)
{
	EXPECT_EQ(VDM_F_MEM_DURABLE, 1u);
	EXPECT_EQ(VDM_F_NO_CACHE_HINT, 2u);
	EXPECT_EQ(VDM_F_VALID_FLAGS, 3u);
}

/* The runtime drives a vdm future that starts late and runs for a while. */
TEST(vdm, through_the_runtime)
{
	script_vdm s;
	init_script(s);
	s.start_failures = 3;
	s.running_checks = 5;
	int a = 1, b = 0;
	auto fut = vdm_memcpy(&s.base, &b, &a, sizeof(a), 0);
	runtime *r = runtime_new();
	ASSERT_NE(r, nullptr);
	runtime_wait(r, FUTURE_AS_RUNNABLE(&fut));
	runtime_delete(r);
	EXPECT_EQ(FUTURE_STATE(&fut), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(s.starts, 4);
	EXPECT_EQ(s.checks, 6);
	EXPECT_EQ(s.deletes, 1);
}
