/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * bench/kernels.cpp -- the memory kernels of common/kernels.hpp, measured the
 * way libpmem2 uses them: writes walking through a 256 MiB file on /dev/shm,
 * so the destination is never in the cache.
 *
 *   bench_kernels compare [rounds]    ours vs Debian's libpmem2 (PMDK
 *       1.12.1, dlopen'ed, CACHE_LINE granularity forced), same mapping, same
 *       process, interleaved rounds; prints medians in GB/s and ratios.
 *   bench_kernels threshold [rounds]  ours, temporal vs non-temporal stores
 *       (each with flush and fence) at sizes 64 B .. 16 KiB: where
 *       non-temporal starts to win is the default PMEM_MOVNT_THRESHOLD.
 *
 * Figures only mean something on a quiet machine.
 */

#include "common/kernels.hpp"
#include "harness.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace
{

constexpr std::size_t file_size = 256ull << 20;
std::size_t bytes_per_round = 64ull << 20; /* MASYNC_BENCH_ROUND_MIB overrides */

using memcpy_fn = void *(*)(void *, const void *, std::size_t, unsigned);
using memset_fn = void *(*)(void *, int, std::size_t, unsigned);

struct pmdk {
	void *lib = nullptr;
	char *addr = nullptr;
	memcpy_fn cpy = nullptr;
	memset_fn set = nullptr;
};

template <class T> T sym(void *lib, const char *name)
{
	void *p = dlsym(lib, name);
	if (!p) {
		std::fprintf(stderr, "missing %s\n", name);
		std::exit(1);
	}
	return reinterpret_cast<T>(p);
}

/* Maps fd with Debian's libpmem2 at CACHE_LINE granularity. */
bool open_pmdk(pmdk &p, int fd)
{
	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1);
	p.lib = dlopen("libpmem2.so.1", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (!p.lib)
		return false;
	struct src;
	struct cfg;
	struct map;
	auto from_fd = sym<int (*)(src **, int)>(p.lib, "pmem2_source_from_fd");
	auto cfg_new = sym<int (*)(cfg **)>(p.lib, "pmem2_config_new");
	auto set_gran =
	    sym<int (*)(cfg *, int)>(p.lib, "pmem2_config_set_required_store_granularity");
	auto map_new = sym<int (*)(map **, const cfg *, const src *)>(p.lib, "pmem2_map_new");
	auto get_addr = sym<void *(*)(map *)>(p.lib, "pmem2_map_get_address");
	auto get_cpy = sym<memcpy_fn (*)(map *)>(p.lib, "pmem2_get_memcpy_fn");
	auto get_set = sym<memset_fn (*)(map *)>(p.lib, "pmem2_get_memset_fn");
	src *s = nullptr;
	cfg *c = nullptr;
	map *m = nullptr;
	if (from_fd(&s, fd) || cfg_new(&c) || set_gran(c, 2 /* PAGE: accept any */) ||
	    map_new(&m, c, s))
		return false;
	p.addr = static_cast<char *>(get_addr(m));
	p.cpy = get_cpy(m);
	p.set = get_set(m);
	return true;
}

using bench::median;
double now()
{
	return bench::now_s();
}

/* One round: bytes_per_round bytes of size-n ops, walking the file. GB/s. */
struct walker {
	char *base;
	std::size_t pos = 0;
	double round(std::size_t n, const std::function<void(char *)> &op)
	{
		std::size_t ops = std::max<std::size_t>(bytes_per_round / n, 1);
		double t0 = now();
		for (std::size_t i = 0; i < ops; ++i) {
			if (pos + n > file_size)
				pos = 0;
			op(base + pos);
			pos += n;
		}
		return double(ops * n) / (now() - t0) / 1e9;
	}
};

} // namespace

int main(int argc, char **argv)
{
	std::string mode = "compare";
	int rounds = 7;
	CLI::App app{"The memory kernels against glibc and Debian's libpmem2 (PMDK)"};
	app.add_option("mode", mode, "compare: the kernels; threshold: the non-temporal threshold")
	    ->capture_default_str()
	    ->check(CLI::IsMember({"compare", "threshold"}));
	app.add_option("rounds", rounds, "interleaved rounds")
	    ->capture_default_str()
	    ->check(CLI::Range(1, 100000));
	if (int rc = bench::parse_args(app, argc, argv); rc >= 0)
		return rc;
	if (const char *mib = std::getenv("MASYNC_BENCH_ROUND_MIB"))
		bytes_per_round = std::strtoull(mib, nullptr, 10) << 20;

	char path[] = "/dev/shm/masync-bench-kernels-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, file_size) != 0) {
		std::perror("file");
		return 1;
	}
	unlink(path);
	char *own = static_cast<char *>(
	    mmap(nullptr, file_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	if (own == MAP_FAILED) {
		std::perror("mmap");
		return 1;
	}
	std::memset(own, 1, file_size); /* allocate the pages once */
	std::vector<char> src(4ull << 20, 'x');

	const auto &c = masync::mem::chosen();
	std::printf("# isa=%s flush=%s movnt=%d threshold=%zu\n", c.isa, c.flush, int(c.movnt),
	            c.nt_threshold);

	if (mode == "threshold") {
		walker w{own};
		std::printf("%-7s %6s %10s %10s %7s\n", "op", "size", "T GB/s", "NT GB/s", "NT/T");
		for (int op = 0; op < 2; ++op)
			for (std::size_t n : {64, 128, 192, 256, 320, 384, 448, 512, 768, 1024,
			                      2048, 4096, 16384}) {
				std::vector<double> t, nt;
				for (int r = 0; r < rounds; ++r)
					for (unsigned f :
					     {masync::mem::temporal, masync::mem::nontemporal}) {
						double g = w.round(n, [&](char *d) {
							if (op == 0)
								masync::mem::copy(d, src.data(), n,
								                  f);
							else
								masync::mem::set(d, 0x5a, n, f);
						});
						(f == masync::mem::temporal ? t : nt).push_back(g);
					}
				std::printf("%-7s %6zu %10.2f %10.2f %7.2f\n",
				            op ? "memset" : "memcpy", n, median(t), median(nt),
				            median(nt) / median(t));
			}
		return 0;
	}

	pmdk p;
	if (!open_pmdk(p, fd)) {
		std::fprintf(stderr, "cannot load/map with Debian's libpmem2.so.1\n");
		return 1;
	}
	walker wp{p.addr}, wo{p.addr};
	const std::size_t sizes[] = {256, 4096, 65536, 2u << 20};
	const unsigned flagsets[] = {0, masync::mem::nontemporal, masync::mem::temporal};
	const char *fnames[] = {"0", "NT", "T"};
	std::printf("%-7s %8s %5s %10s %10s %7s\n", "op", "size", "flags", "pmdk GB/s", "ours GB/s",
	            "ratio");
	double logsum = 0;
	int cells = 0;
	for (int op = 0; op < 2; ++op)
		for (std::size_t n : sizes)
			for (int fi = 0; fi < 3; ++fi) {
				unsigned f = flagsets[fi];
				std::vector<double> a, b;
				for (int r = 0; r < rounds; ++r) {
					a.push_back(wp.round(n, [&](char *d) {
						if (op == 0)
							p.cpy(d, src.data(), n, f);
						else
							p.set(d, 0x5a, n, f);
					}));
					b.push_back(wo.round(n, [&](char *d) {
						if (op == 0)
							masync::mem::copy(d, src.data(), n, f);
						else
							masync::mem::set(d, 0x5a, n, f);
					}));
				}
				double ratio = median(b) / median(a);
				logsum += std::log(ratio);
				++cells;
				std::printf("%-7s %8zu %5s %10.2f %10.2f %7.3f\n",
				            op ? "memset" : "memcpy", n, fnames[fi], median(a),
				            median(b), ratio);
			}
	std::printf("geomean %.3f\n", std::exp(logsum / cells));
	return 0;
}
