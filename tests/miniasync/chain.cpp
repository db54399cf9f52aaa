/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Chained futures: map functions, FUTURE_CHAIN_ENTRY_LAST with data after
 * it, lazily initialized entries, nested chains, the chain's property
 * (that of its first unfinished entry), chains of data mover futures, and
 * how the runtime polls a chain whose property changes.
 */

#include "libminiasync.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace
{

/* Adds a and b; completes on its `polls_needed`-th poll. */
struct add_data {
	int a;
	int b;
	int polls_needed;
	int polls;
	int async;
	std::vector<int> *log; /* ids of the polled futures, may be NULL */
	int id;
};
struct add_output {
	int sum;
};
FUTURE(add_future, struct add_data, struct add_output);

enum future_state add_task(struct future_context *ctx, struct future_notifier *n)
{
	auto *d = static_cast<add_data *>(future_context_get_data(ctx));
	if (n != nullptr)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	if (d->log != nullptr)
		d->log->push_back(d->id);
	if (++d->polls < d->polls_needed)
		return FUTURE_STATE_RUNNING;
	static_cast<add_output *>(future_context_get_output(ctx))->sum = d->a + d->b;
	return FUTURE_STATE_COMPLETE;
}

int add_property(void *future, enum future_property property)
{
	return property == FUTURE_PROPERTY_ASYNC && static_cast<add_future *>(future)->data.async;
}

add_future make_add(int a, int b, int polls_needed = 1, bool async = false,
                    std::vector<int> *log = nullptr, int id = 0)
{
	add_future f;
	f.data = add_data{a, b, polls_needed, 0, async ? 1 : 0, log, id};
	f.output.sum = -1;
	FUTURE_INIT_EXT(&f, add_task, add_property);
	return f;
}

/* Map: the finished entry's sum becomes the next entry's `a`. */
void sum_to_a(struct future_context *lhs, struct future_context *rhs, void *arg)
{
	(void)arg;
	auto *out = static_cast<add_output *>(future_context_get_output(lhs));
	static_cast<add_data *>(future_context_get_data(rhs))->a = out->sum;
}

struct chain_output {
	int result;
	int maps_to_output;
};

/* Map of the last entry: its sum (times *arg, if given) becomes the chain's result. */
void sum_to_result(struct future_context *lhs, struct future_context *rhs, void *arg)
{
	auto *out = static_cast<add_output *>(future_context_get_output(lhs));
	auto *res = static_cast<chain_output *>(future_context_get_output(rhs));
	res->result = out->sum * (arg ? *static_cast<int *>(arg) : 1);
	res->maps_to_output++;
}

/* Two regular entries and a last one, followed by state that is not an entry. */
struct three_data {
	FUTURE_CHAIN_ENTRY(add_future, first);
	FUTURE_CHAIN_ENTRY(add_future, second);
	FUTURE_CHAIN_ENTRY_LAST(add_future, third);
	/* If this were taken for an entry, its "map" would be called: a crash. */
	unsigned char trailing[sizeof(struct future_chain_entry) + 64];
};
FUTURE(three_chain, struct three_data, struct chain_output);

three_chain make_three(int polls_each = 1, int *factor = nullptr)
{
	three_chain c;
	auto f1 = make_add(1, 2, polls_each);
	auto f2 = make_add(0, 10, polls_each);
	auto f3 = make_add(0, 100, polls_each);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.first, f1, sum_to_a, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.second, f2, sum_to_a, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.third, f3, sum_to_result, factor);
	std::memset(c.data.trailing, 0xa5, sizeof(c.data.trailing));
	c.output = chain_output{0, 0};
	FUTURE_CHAIN_INIT(&c);
	return c;
}

/* The FUTURE_CHAIN_FLAG_* bits an entry's `flags` member holds. */
template <typename Entry> std::uint64_t flags_of(const Entry *entry)
{
	std::uint64_t bits;
	static_assert(sizeof(bits) == sizeof(entry->flags));
	std::memcpy(&bits, &entry->flags, sizeof(bits));
	return bits;
}

} // namespace

TEST(chain, maps_results_through_entries_into_output)
{
	int factor = 2;
	three_chain c = make_three(1, &factor);
	EXPECT_EQ(flags_of(&c.data.first), 0u) << "regular entries start with no flags";
	EXPECT_EQ(flags_of(&c.data.third), FUTURE_CHAIN_FLAG_ENTRY_LAST);
	EXPECT_TRUE(FUTURE_CHAIN_ENTRY_IS_INITIALIZED(&c.data.first));

	/* Every entry completes on its first poll: the chain finishes in one step. */
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&c), nullptr), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(c.data.first.fut.output.sum, 3);
	EXPECT_EQ(c.data.second.fut.output.sum, 13);
	EXPECT_EQ(c.data.third.fut.output.sum, 113);
	EXPECT_EQ(c.output.result, 226);
	EXPECT_EQ(c.output.maps_to_output, 1);
	for (unsigned char byte : c.data.trailing)
		ASSERT_EQ(byte, 0xa5) << "data after the LAST entry was touched";
}

TEST(chain, advances_one_unfinished_entry_per_poll)
{
	three_chain c = make_three(2);
	int polls = 0;
	while (future_poll(FUTURE_AS_RUNNABLE(&c), nullptr) != FUTURE_STATE_COMPLETE)
		++polls;
	/* 2 polls per entry; the poll finishing one entry also starts the next. */
	EXPECT_EQ(polls, 3);
	EXPECT_EQ(c.data.first.fut.data.polls, 2);
	EXPECT_EQ(c.data.second.fut.data.polls, 2);
	EXPECT_EQ(c.data.third.fut.data.polls, 2);
	EXPECT_EQ(c.output.result, 113);
	/* Finished entries are marked processed; the run-time flags live in the typed member. */
	EXPECT_EQ(flags_of(&c.data.first), FUTURE_CHAIN_FLAG_ENTRY_PROCESSED);
	EXPECT_EQ(flags_of(&c.data.third),
	          FUTURE_CHAIN_FLAG_ENTRY_LAST | FUTURE_CHAIN_FLAG_ENTRY_PROCESSED);
}

/* Without a LAST entry the chain ends where its data ends; no map is optional. */
namespace
{
struct two_data {
	FUTURE_CHAIN_ENTRY(add_future, first);
	FUTURE_CHAIN_ENTRY(add_future, second);
};
FUTURE(two_chain, struct two_data, struct chain_output);
} // namespace

TEST(chain, ends_with_its_data_and_map_is_optional)
{
	two_chain c;
	auto f1 = make_add(5, 5);
	auto f2 = make_add(1, 1);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.first, f1, NULL, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.second, f2, NULL, NULL);
	c.output = chain_output{-7, 0};
	FUTURE_CHAIN_INIT(&c);
	FUTURE_BUSY_POLL(&c);
	EXPECT_EQ(c.data.first.fut.output.sum, 10);
	EXPECT_EQ(c.data.second.fut.output.sum, 2);
	EXPECT_EQ(c.output.result, -7) << "no map: the chain's output is left alone";
}

/* A lazily initialized entry is built from earlier results, once, right when needed. */
namespace
{
struct lazy_probe {
	int inits = 0;
	int first_state_at_init = -1;
};
struct lazy_data {
	FUTURE_CHAIN_ENTRY(add_future, first);
	FUTURE_CHAIN_ENTRY_LAST(add_future, second);
	lazy_probe *probe; /* chain state after the LAST entry */
};
FUTURE(lazy_chain, struct lazy_data, struct chain_output);

void init_second(void *future, struct future_context *chain_ctx, void *arg)
{
	auto *d = static_cast<lazy_data *>(future_context_get_data(chain_ctx));
	d->probe->inits++;
	d->probe->first_state_at_init = d->first.fut.base.context.state;
	auto *f = static_cast<add_future *>(future);
	*f = make_add(d->first.fut.output.sum, *static_cast<int *>(arg), 2);
}
} // namespace

TEST(chain, lazy_init_with_and_without_map)
{
	for (bool with_map : {false, true}) {
		lazy_probe probe;
		int b = 1000;
		lazy_chain c;
		auto f1 = make_add(20, 22, 2);
		FUTURE_CHAIN_ENTRY_INIT(&c.data.first, f1, NULL, NULL);
		FUTURE_CHAIN_ENTRY_LAZY_INIT(&c.data.second, init_second, &b,
		                             with_map ? sum_to_result : NULL, NULL);
		c.data.probe = &probe;
		c.output = chain_output{0, 0};
		FUTURE_CHAIN_INIT(&c);
		EXPECT_FALSE(FUTURE_CHAIN_ENTRY_IS_INITIALIZED(&c.data.second));

		EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&c), nullptr), FUTURE_STATE_RUNNING);
		EXPECT_EQ(probe.inits, 0) << "not built before the first entry is done";
		EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&c), nullptr), FUTURE_STATE_RUNNING);
		EXPECT_EQ(probe.inits, 1);
		EXPECT_EQ(probe.first_state_at_init, FUTURE_STATE_COMPLETE);
		EXPECT_TRUE(FUTURE_CHAIN_ENTRY_IS_INITIALIZED(&c.data.second));
		FUTURE_BUSY_POLL(&c);
		EXPECT_EQ(probe.inits, 1) << "built once";
		EXPECT_EQ(c.data.second.fut.output.sum, 1042);
		EXPECT_EQ(c.output.result, with_map ? 1042 : 0);
	}
}

/* A chain can be an entry of another chain. */
namespace
{
struct outer_data {
	FUTURE_CHAIN_ENTRY(three_chain, inner);
	FUTURE_CHAIN_ENTRY_LAST(add_future, last);
};
FUTURE(outer_chain, struct outer_data, struct chain_output);

void inner_to_a(struct future_context *lhs, struct future_context *rhs, void *arg)
{
	(void)arg;
	auto *out = static_cast<chain_output *>(future_context_get_output(lhs));
	static_cast<add_data *>(future_context_get_data(rhs))->a = out->result;
}
} // namespace

TEST(chain, nested_chains)
{
	outer_chain c;
	auto inner = make_three(2);
	auto last = make_add(0, 5000, 2);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.inner, inner, inner_to_a, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.last, last, sum_to_result, NULL);
	c.output = chain_output{0, 0};
	FUTURE_CHAIN_INIT(&c);
	runtime *r = runtime_new();
	ASSERT_NE(r, nullptr);
	runtime_wait(r, FUTURE_AS_RUNNABLE(&c));
	runtime_delete(r);
	EXPECT_EQ(c.data.inner.fut.output.result, 113);
	EXPECT_EQ(c.output.result, 5113);
}

/* The chain has the property of its first unfinished entry; -1 once all are done. */
TEST(chain, property_is_that_of_first_unfinished_entry)
{
	two_chain c;
	auto f1 = make_add(1, 1, 2, true);
	auto f2 = make_add(2, 2, 2, false);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.first, f1, NULL, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.second, f2, NULL, NULL);
	FUTURE_CHAIN_INIT(&c);
	struct future *fut = FUTURE_AS_RUNNABLE(&c);
	EXPECT_EQ(fut->has_property, &future_chain_has_property);

	EXPECT_EQ(future_has_property(fut, FUTURE_PROPERTY_ASYNC), 1);
	EXPECT_EQ(future_poll(fut, nullptr), FUTURE_STATE_RUNNING); /* first: 1 of 2 */
	EXPECT_EQ(future_has_property(fut, FUTURE_PROPERTY_ASYNC), 1);
	EXPECT_EQ(future_poll(fut, nullptr), FUTURE_STATE_RUNNING); /* first done, second 1/2 */
	EXPECT_EQ(future_has_property(fut, FUTURE_PROPERTY_ASYNC), 0);
	EXPECT_EQ(future_poll(fut, nullptr), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(future_has_property(fut, FUTURE_PROPERTY_ASYNC), -1);

	/* An entry without a property function counts as having none. */
	two_chain d;
	auto g1 = make_add(1, 1);
	g1.base.has_property = nullptr;
	FUTURE_CHAIN_ENTRY_INIT(&d.data.first, g1, NULL, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&d.data.second, f2, NULL, NULL);
	FUTURE_CHAIN_INIT(&d);
	EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&d), FUTURE_PROPERTY_ASYNC), 0);
}

/*
 * The runtime asks a chain for its property each pass and polls it once per
 * pass even when polling it changes its answer (ASYNC entry -> sync entry).
 */
TEST(chain, runtime_polls_a_chain_once_per_pass)
{
	std::vector<int> log;
	two_chain c;
	auto f1 = make_add(0, 0, 2, true, &log, 1);
	auto f2 = make_add(0, 0, 3, false, &log, 2);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.first, f1, NULL, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&c.data.second, f2, NULL, NULL);
	FUTURE_CHAIN_INIT(&c);
	auto plain = make_add(0, 0, 4, false, &log, 9);
	struct future *futs[2] = {FUTURE_AS_RUNNABLE(&plain), FUTURE_AS_RUNNABLE(&c)};

	runtime *r = runtime_new();
	ASSERT_NE(r, nullptr);
	runtime_wait_multiple(r, futs, 2);
	runtime_delete(r);
	/*
	 * pass 1: chain is ASYNC -> polled first (entry 1, 1/2), then plain.
	 * pass 2: chain still ASYNC -> entry 1 done, entry 2 starts (1/3); plain.
	 * pass 3: chain now sync -> plain first (caller's order), then chain.
	 * pass 4: plain finishes (4/4), chain finishes (3/3).
	 */
	EXPECT_EQ(log, (std::vector<int>{1, 9, 1, 2, 9, 9, 2, 9, 2}));
}

/* A chain of data mover operations: copy, then clear the source, then copy back. */
namespace
{
struct move_data {
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, copy);
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, clear);
	FUTURE_CHAIN_ENTRY_LAST(struct vdm_operation_future, back);
};
struct move_output {
	void *final_dest;
};
FUTURE(move_chain, struct move_data, struct move_output);

void last_dest(struct future_context *lhs, struct future_context *rhs, void *arg)
{
	(void)arg;
	auto *out = static_cast<vdm_operation_output *>(future_context_get_output(lhs));
	static_cast<move_output *>(future_context_get_output(rhs))->final_dest =
	    out->output.memcpy.dest;
}
} // namespace

TEST(chain, data_mover_operations)
{
	data_mover_sync *dms = data_mover_sync_new();
	ASSERT_NE(dms, nullptr);
	struct vdm *vdm = data_mover_sync_get_vdm(dms);
	char a[32] = "chained data mover ops", b[32] = {0}, c2[32] = {0};
	char orig[32];
	std::memcpy(orig, a, sizeof(a));

	move_chain mc;
	FUTURE_CHAIN_ENTRY_INIT(&mc.data.copy, vdm_memcpy(vdm, b, a, sizeof(a), 0), NULL, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&mc.data.clear, vdm_memset(vdm, a, 0, sizeof(a), 0), NULL, NULL);
	FUTURE_CHAIN_ENTRY_INIT(&mc.data.back, vdm_memcpy(vdm, c2, b, sizeof(b), 0), last_dest,
	                        NULL);
	mc.output.final_dest = nullptr;
	FUTURE_CHAIN_INIT(&mc);
	runtime *r = runtime_new();
	ASSERT_NE(r, nullptr);
	runtime_wait(r, FUTURE_AS_RUNNABLE(&mc));
	runtime_delete(r);
	EXPECT_EQ(std::memcmp(b, orig, sizeof(b)), 0);
	EXPECT_EQ(std::memcmp(c2, orig, sizeof(c2)), 0);
	EXPECT_EQ(a[0], 0);
	EXPECT_EQ(mc.output.final_dest, c2);
	data_mover_sync_delete(dms);
}
