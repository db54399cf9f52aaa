/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "common/record_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

struct rec {
	std::atomic<int> owner{-1};
	long payload = 0;
};

TEST(record_pool, hands_out_each_record_once_then_nullptr)
{
	masync::record_pool<rec> pool(8);
	std::set<rec *> seen;
	for (int i = 0; i < 8; ++i) {
		rec *r = pool.acquire();
		ASSERT_NE(r, nullptr);
		EXPECT_TRUE(pool.owns(r));
		EXPECT_TRUE(seen.insert(r).second);
	}
	EXPECT_EQ(pool.acquire(), nullptr);
}

/* A record held forever must not keep the others from being reused. */
TEST(record_pool, release_in_any_order)
{
	masync::record_pool<rec> pool(4);
	rec *a = pool.acquire(), *b = pool.acquire(), *c = pool.acquire(), *d = pool.acquire();
	ASSERT_TRUE(a && b && c && d);
	pool.release(c);
	pool.release(a);
	EXPECT_NE(pool.acquire(), nullptr);
	EXPECT_NE(pool.acquire(), nullptr);
	EXPECT_EQ(pool.acquire(), nullptr);
	for (int round = 0; round < 100; ++round) {
		pool.release(d);
		d = pool.acquire();
		ASSERT_NE(d, nullptr);
	}
}

TEST(record_pool, zero_capacity_is_always_empty)
{
	masync::record_pool<rec> pool(0);
	EXPECT_EQ(pool.acquire(), nullptr);
}

/* No record is ever held by two threads at once. */
TEST(record_pool, concurrent_acquire_release)
{
	masync::record_pool<rec> pool(16);
	constexpr int threads = 4, iterations = 20000;
	std::atomic<int> violations{0};
	std::vector<std::thread> ts;
	for (int t = 0; t < threads; ++t) {
		ts.emplace_back([&, t] {
			for (int i = 0; i < iterations; ++i) {
				rec *r = pool.acquire();
				if (!r)
					continue;
				int expected = -1;
				if (!r->owner.compare_exchange_strong(expected, t))
					violations++;
				r->payload++;
				r->owner.store(-1);
				pool.release(r);
			}
		});
	}
	for (auto &t : ts)
		t.join();
	EXPECT_EQ(violations.load(), 0);
	int n = 0;
	while (pool.acquire())
		++n;
	EXPECT_EQ(n, 16);
}
