/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "common/futex.hpp"

#include <cerrno>
#include <climits>
#include <ctime>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace masync
{
namespace
{

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

long futex(void *addr, int op, std::uint32_t val, const timespec *ts) noexcept
{
	return syscall(SYS_futex, addr, op, val, ts, nullptr, 0);
}

} // namespace

bool futex_wait(std::atomic<std::uint32_t> *word, std::uint32_t expected,
                std::int64_t timeout_ns) noexcept
{
	timespec ts{};
	const timespec *tsp = nullptr;
	if (timeout_ns >= 0) {
		ts.tv_sec = static_cast<time_t>(timeout_ns / 1000000000);
		ts.tv_nsec = static_cast<long>(timeout_ns % 1000000000);
		tsp = &ts;
	}
	long r = futex(word, FUTEX_WAIT_PRIVATE, expected, tsp);
	return !(r == -1 && errno == ETIMEDOUT);
}

void futex_wake(std::atomic<std::uint32_t> *word, int count) noexcept
{
	futex(word, FUTEX_WAKE_PRIVATE, static_cast<std::uint32_t>(count), nullptr);
}

void futex_wake_all(std::atomic<std::uint32_t> *word) noexcept
{
	futex_wake(word, INT_MAX);
}

} // namespace masync
