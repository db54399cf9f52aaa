/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "common/futex.hpp"

#include <gtest/gtest.h>

#include <thread>

/* A value that already differs is never slept on. */
TEST(futex, changed_value_returns_at_once)
{
	std::atomic<std::uint32_t> word{1};
	EXPECT_TRUE(masync::futex_wait(&word, 0));
}

TEST(futex, timeout_reports_false)
{
	std::atomic<std::uint32_t> word{0};
	EXPECT_FALSE(masync::futex_wait(&word, 0, 1000000));
}

TEST(futex, wake_releases_sleeper)
{
	std::atomic<std::uint32_t> word{0};
	std::thread sleeper([&] {
		while (word.load(std::memory_order_acquire) == 0)
			masync::futex_wait(&word, 0);
	});
	word.store(1, std::memory_order_release);
	masync::futex_wake_all(&word);
	sleeper.join();
	SUCCEED();
}
