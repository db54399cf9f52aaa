/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "common/cpu.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <cstdint>

namespace masync
{
namespace
{

#if defined(__x86_64__)
std::uint64_t xgetbv0()
{
	std::uint32_t lo, hi;
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (std::uint64_t(hi) << 32) | lo;
}

cpu_features detect()
{
	cpu_features f;
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return f;
	f.sse2 = d & (1u << 26);
	f.clflush = d & (1u << 19);
	bool osxsave = c & (1u << 27);
	bool avx_cpu = c & (1u << 28);
	std::uint64_t xcr0 = osxsave ? xgetbv0() : 0;
	bool ymm_os = (xcr0 & 0x6) == 0x6;   /* XMM and YMM state */
	bool zmm_os = (xcr0 & 0xe6) == 0xe6; /* and opmask, ZMM_Hi256, Hi16_ZMM */
	f.avx = avx_cpu && ymm_os;

	unsigned max_leaf = __get_cpuid_max(0, nullptr);
	if (max_leaf >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		f.avx2 = f.avx && (b & (1u << 5));
		f.avx512f = zmm_os && (b & (1u << 16));
		f.erms = b & (1u << 9);
		f.fsrm = d & (1u << 4);
		f.clflushopt = b & (1u << 23);
		f.clwb = b & (1u << 24);
		f.waitpkg = c & (1u << 5);
		f.movdir64b = c & (1u << 28);
		f.enqcmd = c & (1u << 29);
	}
	return f;
}
#else
cpu_features detect()
{
	return {};
}
#endif

} // namespace

const cpu_features &cpu()
{
	static const cpu_features features = detect();
	return features;
}

} // namespace masync
