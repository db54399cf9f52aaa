/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/cpu.hpp -- the CPU features masync chooses instructions by.
 *
 * Detected once (CPUID, and XGETBV for the vector state the OS enabled) and
 * cached; cpu() is safe to call from any thread at any time, is lock-free
 * after the first call and costs one load.
 */
#ifndef MASYNC_COMMON_CPU_HPP
#define MASYNC_COMMON_CPU_HPP

namespace masync
{

struct cpu_features {
	bool sse2 = false;
	bool avx = false;     /* CPU has AVX and the OS saves YMM state */
	bool avx2 = false;    /* and AVX2 */
	bool avx512f = false; /* CPU has AVX-512F and the OS saves ZMM/opmask state */
	bool clflush = false;
	bool clflushopt = false;
	bool clwb = false;
	bool movdir64b = false;
	bool enqcmd = false;
	bool waitpkg = false; /* UMONITOR/UMWAIT/TPAUSE */
	bool erms = false;    /* enhanced REP MOVSB/STOSB */
	bool fsrm = false;    /* fast short REP MOVSB */
};

/* The features of the CPU this process runs on (hardware and OS support only). */
const cpu_features &cpu();

} // namespace masync

#endif
