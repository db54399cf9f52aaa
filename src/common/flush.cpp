/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "common/flush.hpp"
#include "common/cpu.hpp"
#include "common/env.hpp"
#include "common/flush_line.hpp"

#include <cstdint>

namespace masync
{
namespace
{

flush_kind choose()
{
	const auto &f = cpu();
	if (f.clwb && !env_is_one("PMEM_NO_CLWB"))
		return flush_kind::clwb;
	if (f.clflushopt && !env_is_one("PMEM_NO_CLFLUSHOPT"))
		return flush_kind::clflushopt;
	if (f.clflush)
		return flush_kind::clflush;
	return flush_kind::none;
}

template <class F> void flush_lines(std::uintptr_t p, std::uintptr_t end)
{
	for (; p < end; p += cache_line_size)
		F::line(reinterpret_cast<const void *>(p));
}

} // namespace

flush_kind flush_instruction()
{
	static const flush_kind kind = choose();
	return kind;
}

const char *flush_kind_name(flush_kind k)
{
	static constexpr const char *names[] = {"none", "clflush", "clflushopt", "clwb"};
	const auto i = static_cast<unsigned>(k);
	return i < 4 ? names[i] : "none";
}

void flush_line_counted(const void *addr)
{
	switch (flush_instruction()) {
	case flush_kind::clwb:
		detail::flush_clwb::line(addr);
		break;
	case flush_kind::clflushopt:
		detail::flush_clflushopt::line(addr);
		break;
	case flush_kind::clflush:
		detail::flush_clflush::line(addr);
		break;
	case flush_kind::none:
		break;
	}
	test_hook::count_flush();
}

void flush_range(const void *addr, std::size_t len)
{
	if (len == 0)
		return;
	auto p = reinterpret_cast<std::uintptr_t>(addr) & ~(cache_line_size - 1);
	auto end = reinterpret_cast<std::uintptr_t>(addr) + len;
	if (test_hook::active()) {
		flush_lines<detail::flush_counted>(p, end);
		return;
	}
	switch (flush_instruction()) {
	case flush_kind::clwb:
		flush_lines<detail::flush_clwb>(p, end);
		break;
	case flush_kind::clflushopt:
		flush_lines<detail::flush_clflushopt>(p, end);
		break;
	case flush_kind::clflush:
		flush_lines<detail::flush_clflush>(p, end);
		break;
	case flush_kind::none:
		break;
	}
}

} // namespace masync
