/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "common/flush.hpp"
#include "common/cpu.hpp"

#include <cstdint>

namespace masync
{
namespace
{

using line_fn = void (*)(const char *);

#if defined(__x86_64__)
void line_clwb(const char *p)
{
	__asm__ __volatile__("clwb %0" : "+m"(*(volatile char *)p));
}
void line_clflushopt(const char *p)
{
	__asm__ __volatile__("clflushopt %0" : "+m"(*(volatile char *)p));
}
void line_clflush(const char *p)
{
	__asm__ __volatile__("clflush %0" : "+m"(*(volatile char *)p));
}
#endif
void line_none(const char *) {}

line_fn choose()
{
#if defined(__x86_64__)
	const auto &f = cpu();
	if (f.clwb)
		return line_clwb;
	if (f.clflushopt)
		return line_clflushopt;
	if (f.clflush)
		return line_clflush;
#endif
	return line_none;
}

} // namespace

void flush_range(const void *addr, std::size_t len)
{
	static const line_fn flush_line = choose();
	if (len == 0)
		return;
	auto start = reinterpret_cast<std::uintptr_t>(addr) & ~(cache_line_size - 1);
	auto end = reinterpret_cast<std::uintptr_t>(addr) + len;
	for (auto p = start; p < end; p += cache_line_size)
		flush_line(reinterpret_cast<const char *>(p));
}

} // namespace masync
