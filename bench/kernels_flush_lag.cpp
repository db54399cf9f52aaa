/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * bench/kernels_flush_lag.cpp -- how far behind the stores the temporal
 * kernels should write lines back (common/mem_vec.hpp, flush_lag), and
 * whether PREFETCHW ahead of the stores is worth it. A stand-alone copy of
 * the whole-line loop (AVX-512F stores, CLWB), in variants, measured like
 * bench_kernels: consecutive destinations in a 256 MiB file on /dev/shm,
 * variants alternating round by round, median GB/s and the ratio to "lag 0"
 * (write-back right after the store, as PMDK does).
 *
 *   bench_kernels_flush_lag [rounds]
 * Needs AVX-512F, CLWB and PREFETCHW; exits otherwise.
 */

#include "common/cpu.hpp"
#include "harness.hpp"

#include <immintrin.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace
{

constexpr std::size_t file_size = 256ull << 20;
constexpr std::size_t round_bytes = 16ull << 20;

void clwb(const char *p)
{
	__asm__ __volatile__("clwb %0" : : "m"(*p) : "memory");
}

/* n a multiple of 256; Lag and Ahead in bytes (multiples of 256). */
template <std::size_t Lag, std::size_t Ahead, bool Set>
[[gnu::target("avx512f,prfchw"), gnu::noinline]] void loop(char *d, const char *s, std::size_t n)
{
	const __m512i v = _mm512_set1_epi32(0x5a5a5a5a);
	for (std::size_t i = 0; i < n; i += 256) {
		if (Ahead && i + Ahead < n)
			for (int k = 0; k < 4; ++k)
				_m_prefetchw(d + i + Ahead + 64 * k);
		__m512i r[4];
		for (int k = 0; k < 4; ++k)
			r[k] = Set ? v : _mm512_loadu_si512(s + i + 64 * k);
		for (int k = 0; k < 4; ++k)
			_mm512_storeu_si512(d + i + 64 * k, r[k]);
		if (i >= Lag)
			for (int k = 0; k < 4; ++k)
				clwb(d + i - Lag + 64 * k);
	}
	for (std::size_t i = n > Lag ? n - Lag : 0; i < n; i += 64)
		clwb(d + i);
	__asm__ __volatile__("sfence" ::: "memory");
}

using fn = void (*)(char *, const char *, std::size_t);
struct variant {
	const char *name;
	fn copy, set;
};
const variant variants[] = {
    {"lag 0", loop<0, 0, false>, loop<0, 0, true>},
    {"lag 512", loop<512, 0, false>, loop<512, 0, true>},
    {"lag 1K", loop<1024, 0, false>, loop<1024, 0, true>},
    {"lag 2K", loop<2048, 0, false>, loop<2048, 0, true>},
    {"lag 1K + pfw 1K", loop<1024, 1024, false>, loop<1024, 1024, true>},
    {"lag 1K + pfw 2K", loop<1024, 2048, false>, loop<1024, 2048, true>},
};

double now()
{
	return bench::now_s();
}

} // namespace

int main(int argc, char **argv)
{
	int rounds = 15;
	CLI::App app{"Write-back lag and prefetch distance of the AVX-512 flushing copy loop"};
	app.add_option("rounds", rounds, "interleaved rounds")
	    ->capture_default_str()
	    ->check(CLI::Range(1, 100000));
	if (int rc = bench::parse_args(app, argc, argv); rc >= 0)
		return rc;
	const auto &c = masync::cpu();
	unsigned a, b, cx, dx;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(dx) : "a"(0x80000001u), "c"(0));
	if (!c.avx512f || !c.clwb || !(cx & (1u << 8))) {
		std::puts("needs AVX-512F, CLWB and PREFETCHW");
		return 0;
	}
	char path[] = "/dev/shm/masync-bench-lag-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, file_size) != 0)
		return 1;
	unlink(path);
	char *base = static_cast<char *>(
	    mmap(nullptr, file_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	if (base == MAP_FAILED)
		return 1;
	std::memset(base, 1, file_size);
	std::vector<char> src(2u << 20, 'x');
	std::size_t pos = 0;
	constexpr std::size_t nv = sizeof(variants) / sizeof(variants[0]);
	std::printf("%-7s %8s %-16s %7s %6s\n", "op", "size", "variant", "GB/s", "ratio");
	for (int set = 0; set < 2; ++set)
		for (std::size_t n : {4096ul, 65536ul, 2ul << 20}) {
			std::vector<double> r[nv];
			for (int round = 0; round < rounds; ++round)
				for (std::size_t k = 0; k < nv; ++k) {
					fn f = set ? variants[k].set : variants[k].copy;
					std::size_t ops = round_bytes / n;
					double t0 = now();
					for (std::size_t i = 0; i < ops; ++i) {
						if (pos + n > file_size)
							pos = 0;
						f(base + pos, src.data(), n);
						pos += n;
					}
					r[k].push_back(double(round_bytes) / (now() - t0) / 1e9);
				}
			double first = 0;
			for (std::size_t k = 0; k < nv; ++k) {
				double m = bench::median(r[k]);
				if (k == 0)
					first = m;
				std::printf("%-7s %8zu %-16s %7.2f %6.2f\n",
				            set ? "memset" : "memcpy", n, variants[k].name, m,
				            m / first);
			}
		}
	return 0;
}
