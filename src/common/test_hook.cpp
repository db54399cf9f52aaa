/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "common/test_hook.hpp"

namespace masync::test_hook
{

namespace detail
{
std::atomic<bool> on{false};
std::atomic<std::uint64_t> flushes{0}, fences{0}, syncs{0};
} // namespace detail

void start()
{
	detail::flushes.store(0, std::memory_order_relaxed);
	detail::fences.store(0, std::memory_order_relaxed);
	detail::syncs.store(0, std::memory_order_relaxed);
	detail::on.store(true, std::memory_order_seq_cst);
}

counts stop()
{
	detail::on.store(false, std::memory_order_seq_cst);
	counts c;
	c.flushes = detail::flushes.load(std::memory_order_relaxed);
	c.fences = detail::fences.load(std::memory_order_relaxed);
	c.syncs = detail::syncs.load(std::memory_order_relaxed);
	return c;
}

} // namespace masync::test_hook
