/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libpmem2's memory operations on real maps of a file, at each granularity
 * (forced with PMEM2_FORCE_GRANULARITY): memcpy/memmove/memset against plain
 * memcpy/memmove/memset for every flag combination, offsets 0/7/9/63 and
 * sizes around every size class, the file's contents checked with pread();
 * overlapping moves; and, through the test hook, the exact number of line
 * write-backs, fences and msyncs that persist/flush/drain and the memory
 * operations do. CTest also runs it once per forced kernel.
 */

#include "common/kernels.hpp"
#include "common/test_hook.hpp"

#include <libpmem2.h>
#include <masync/pmem2.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <fcntl.h>
#include <random>
#include <string>
#include <thread>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace
{

constexpr std::size_t file_size = 1 << 16;
constexpr std::size_t base = 4096; /* where the operations start in the map */

const std::size_t sizes[] = {1,   2,   3,   4,    7,    8,    9,    16,   17,   32,  33,  63,
                             64,  65,  127, 128,  129,  255,  256,  257,  320,  447, 448, 449,
                             511, 512, 513, 1023, 1024, 1025, 4095, 4096, 4097, 8193};
const std::size_t offsets[] = {0, 7, 9, 63};

const char *gran_name(pmem2_granularity g)
{
	return masync::pmem2::granularity_name(g);
}

/* A file of file_size random bytes mapped with the forced granularity. */
struct mapped_file {
	int fd = -1;
	pmem2_source *src = nullptr;
	pmem2_config *cfg = nullptr;
	pmem2_map *map = nullptr;
	char *addr = nullptr;
	std::vector<char> ref; /* what the file must hold */

	explicit mapped_file(pmem2_granularity g)
	{
		char path[] = "/dev/shm/masync-mem-ops-XXXXXX";
		fd = mkstemp(path);
		if (fd < 0)
			return;
		unlink(path);
		ref.resize(file_size);
		std::mt19937 rng(7);
		for (auto &c : ref)
			c = static_cast<char>(rng());
		if (pwrite(fd, ref.data(), file_size, 0) != static_cast<ssize_t>(file_size))
			return;
		setenv("PMEM2_FORCE_GRANULARITY", gran_name(g), 1);
		if (pmem2_source_from_fd(&src, fd) || pmem2_config_new(&cfg) ||
		    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE) ||
		    pmem2_map_new(&map, cfg, src))
			return;
		addr = static_cast<char *>(pmem2_map_get_address(map));
	}
	~mapped_file()
	{
		if (map)
			pmem2_map_delete(&map);
		if (cfg)
			pmem2_config_delete(&cfg);
		if (src)
			pmem2_source_delete(&src);
		if (fd >= 0)
			close(fd);
	}
	/* The map and the file both hold exactly ref. */
	::testing::AssertionResult matches() const
	{
		if (std::memcmp(addr, ref.data(), file_size) != 0)
			return ::testing::AssertionFailure() << "mapping differs";
		std::vector<char> back(file_size);
		if (pread(fd, back.data(), file_size, 0) != static_cast<ssize_t>(file_size))
			return ::testing::AssertionFailure() << "pread failed";
		if (back != ref)
			return ::testing::AssertionFailure() << "file (pread) differs";
		return ::testing::AssertionSuccess();
	}
};

std::size_t lines_touched(const void *p, std::size_t n)
{
	auto a = reinterpret_cast<std::uintptr_t>(p);
	return n == 0 ? 0 : ((a + n - 1) / 64 - a / 64 + 1);
}

class mem_ops : public ::testing::TestWithParam<pmem2_granularity>
{
      protected:
	void SetUp() override
	{
		f = std::make_unique<mapped_file>(GetParam());
		ASSERT_NE(f->addr, nullptr) << pmem2_errormsg();
		ASSERT_EQ(pmem2_map_get_store_granularity(f->map), GetParam());
	}
	std::unique_ptr<mapped_file> f;
};

} // namespace

TEST_P(mem_ops, getters_are_stable_and_never_null)
{
	auto *m = f->map;
	EXPECT_NE(pmem2_get_memcpy_fn(m), nullptr);
	EXPECT_NE(pmem2_get_memmove_fn(m), nullptr);
	EXPECT_NE(pmem2_get_memset_fn(m), nullptr);
	EXPECT_NE(pmem2_get_persist_fn(m), nullptr);
	EXPECT_NE(pmem2_get_flush_fn(m), nullptr);
	EXPECT_NE(pmem2_get_drain_fn(m), nullptr);
	EXPECT_EQ(pmem2_get_memcpy_fn(m), pmem2_get_memcpy_fn(m));
	EXPECT_EQ(pmem2_get_persist_fn(m), pmem2_get_persist_fn(m));
}

TEST_P(mem_ops, memcpy_every_flag_offset_size)
{
	auto cpy = pmem2_get_memcpy_fn(f->map);
	std::vector<char> src(16384);
	std::mt19937 rng(11);
	for (auto &c : src)
		c = static_cast<char>(rng());
	for (unsigned flags = 0; flags <= PMEM2_F_MEM_VALID_FLAGS; ++flags) {
		for (std::size_t so : offsets)
			for (std::size_t d_o : offsets)
				for (std::size_t n : sizes) {
					char *d = f->addr + base + d_o;
					ASSERT_EQ(cpy(d, src.data() + so, n, flags), d);
					std::memcpy(&f->ref[base + d_o], src.data() + so, n);
				}
		if (!(flags & PMEM2_F_MEM_NODRAIN))
			pmem2_get_drain_fn(f->map)();
		ASSERT_TRUE(f->matches()) << "flags " << flags;
	}
}

TEST_P(mem_ops, memset_every_flag_offset_size)
{
	auto set = pmem2_get_memset_fn(f->map);
	int c = 1;
	for (unsigned flags = 0; flags <= PMEM2_F_MEM_VALID_FLAGS; ++flags) {
		for (std::size_t d_o : offsets)
			for (std::size_t n : sizes) {
				c = (c * 7 + 3) & 0xff;
				char *d = f->addr + base + d_o;
				ASSERT_EQ(set(d, c, n, flags), d);
				std::memset(&f->ref[base + d_o], c, n);
			}
		pmem2_get_drain_fn(f->map)();
		ASSERT_TRUE(f->matches()) << "flags " << flags;
	}
}

TEST_P(mem_ops, memmove_overlapping_both_directions)
{
	auto mov = pmem2_get_memmove_fn(f->map);
	for (unsigned flags : {0u, unsigned(PMEM2_F_MEM_NONTEMPORAL),
	                       unsigned(PMEM2_F_MEM_TEMPORAL), unsigned(PMEM2_F_MEM_NOFLUSH)})
		for (std::size_t shift : {1, 8, 63, 64, 65, 200, 4096})
			for (std::size_t n : sizes)
				for (int dir = 0; dir < 2; ++dir) {
					std::size_t lo = base + 9;
					std::size_t s = dir ? lo : lo + shift;
					std::size_t d = dir ? lo + shift : lo;
					ASSERT_EQ(mov(f->addr + d, f->addr + s, n, flags),
					          f->addr + d);
					std::memmove(&f->ref[d], &f->ref[s], n);
				}
	ASSERT_TRUE(f->matches());
}

TEST_P(mem_ops, empty_and_self_do_nothing)
{
	char *d = f->addr + base;
	masync::test_hook::start();
	EXPECT_EQ(pmem2_get_memcpy_fn(f->map)(d, d + 64, 0, 0), d);
	EXPECT_EQ(pmem2_get_memmove_fn(f->map)(d, d, 4096, 0), d);
	EXPECT_EQ(pmem2_get_memset_fn(f->map)(d, 0, 0, 0), d);
	auto c = masync::test_hook::stop();
	EXPECT_EQ(c.flushes, 0u);
	EXPECT_EQ(c.fences, 0u);
	EXPECT_EQ(c.syncs, 0u);
	ASSERT_TRUE(f->matches());
}

/* persist = flush + drain, with exactly the work the granularity needs. */
TEST_P(mem_ops, persist_flush_drain_counts)
{
	const auto g = GetParam();
	auto persist = pmem2_get_persist_fn(f->map);
	auto flush = pmem2_get_flush_fn(f->map);
	auto drain = pmem2_get_drain_fn(f->map);
	for (std::size_t off : offsets)
		for (std::size_t n : sizes) {
			const char *p = f->addr + base + off;
			std::size_t lines = lines_touched(p, n);
			bool cl = g == PMEM2_GRANULARITY_CACHE_LINE;
			bool page = g == PMEM2_GRANULARITY_PAGE;

			masync::test_hook::start();
			persist(p, n);
			auto c = masync::test_hook::stop();
			EXPECT_EQ(c.flushes, cl ? lines : 0) << "persist n " << n;
			EXPECT_EQ(c.fences, page ? 0u : 1u) << "persist n " << n;
			EXPECT_EQ(c.syncs, page ? 1u : 0u) << "persist n " << n;

			masync::test_hook::start();
			flush(p, n);
			c = masync::test_hook::stop();
			EXPECT_EQ(c.flushes, cl ? lines : 0) << "flush n " << n;
			EXPECT_EQ(c.fences, 0u) << "flush n " << n;
			EXPECT_EQ(c.syncs, page ? 1u : 0u) << "flush n " << n;

			masync::test_hook::start();
			drain();
			c = masync::test_hook::stop();
			EXPECT_EQ(c.flushes, 0u);
			EXPECT_EQ(c.fences, page ? 0u : 1u);
			EXPECT_EQ(c.syncs, 0u);
		}
}

/* The memory operations: write-backs only at CACHE_LINE, msync only at PAGE. */
TEST_P(mem_ops, memcpy_counts)
{
	const auto g = GetParam();
	auto cpy = pmem2_get_memcpy_fn(f->map);
	std::vector<char> src(16384, 'q');
	const auto &k = masync::mem::chosen();
	for (unsigned flags : {0u, unsigned(PMEM2_F_MEM_NODRAIN), unsigned(PMEM2_F_MEM_NOFLUSH),
	                       unsigned(PMEM2_F_MEM_TEMPORAL), unsigned(PMEM2_F_MEM_NONTEMPORAL)})
		for (std::size_t n : sizes) {
			char *d = f->addr + base + 9;
			bool noflush = flags & PMEM2_F_MEM_NOFLUSH;
			bool nt = masync::mem::stores_nt(n, flags);
			masync::test_hook::start();
			cpy(d, src.data(), n, flags);
			auto c = masync::test_hook::stop();
			std::string what =
			    "flags " + std::to_string(flags) + " n " + std::to_string(n);
			switch (g) {
			case PMEM2_GRANULARITY_CACHE_LINE:
				if (noflush || std::strcmp(k.flush, "none") == 0)
					EXPECT_EQ(c.flushes, 0u) << what;
				else if (!nt || n < 64) /* the NT kernels store sub-line sizes
				                           temporally */
					EXPECT_EQ(c.flushes, lines_touched(d, n)) << what;
				else
					EXPECT_LE(c.flushes, 2u) << what;
				EXPECT_EQ(
				    c.fences,
				    (flags & (PMEM2_F_MEM_NODRAIN | PMEM2_F_MEM_NOFLUSH)) ? 0u : 1u)
				    << what;
				EXPECT_EQ(c.syncs, 0u) << what;
				break;
			case PMEM2_GRANULARITY_BYTE:
				EXPECT_EQ(c.flushes, 0u) << what;
				EXPECT_EQ(
				    c.fences,
				    (flags & (PMEM2_F_MEM_NODRAIN | PMEM2_F_MEM_NOFLUSH)) ? 0u : 1u)
				    << what;
				EXPECT_EQ(c.syncs, 0u) << what;
				break;
			default:
				EXPECT_EQ(c.flushes, 0u) << what;
				EXPECT_EQ(c.fences, (!noflush && nt) ? 1u : 0u) << what;
				EXPECT_EQ(c.syncs, noflush ? 0u : 1u) << what;
				break;
			}
		}
}

INSTANTIATE_TEST_SUITE_P(granularity, mem_ops,
                         ::testing::Values(PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE,
                                           PMEM2_GRANULARITY_PAGE),
                         [](const auto &p) { return std::string(gran_name(p.param)); });

/* A failing msync is reported through errno and pmem2_errormsg, never abort. */
TEST(mem_ops_page, failing_msync_is_reported)
{
	char path[] = "/dev/shm/masync-mem-ops-XXXXXX";
	int fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	unlink(path);
	ASSERT_EQ(ftruncate(fd, 3 * 4096), 0);
	void *a = mmap(nullptr, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(a, MAP_FAILED);
	pmem2_source *src = nullptr;
	ASSERT_EQ(pmem2_source_from_fd(&src, fd), 0);
	pmem2_map *map = nullptr;
	ASSERT_EQ(pmem2_map_from_existing(&map, src, a, 3 * 4096, PMEM2_GRANULARITY_PAGE), 0)
	    << pmem2_errormsg();
	/* Pull the middle page out from under the map: msync of it fails. */
	ASSERT_EQ(munmap(static_cast<char *>(a) + 4096, 4096), 0);

	errno = 0;
	pmem2_get_persist_fn(map)(a, 3 * 4096);
	EXPECT_EQ(errno, ENOMEM);
	EXPECT_NE(std::strlen(pmem2_errormsg()), 0u);

	errno = 0;
	pmem2_get_memset_fn(map)(a, 1, 3 * 4096 - 4096 * 2, 0); /* first page only: fine */
	EXPECT_EQ(errno, 0);

	errno = 0;
	pmem2_get_flush_fn(map)(static_cast<char *>(a) + 100, 2 * 4096);
	EXPECT_EQ(errno, ENOMEM);

	EXPECT_EQ(pmem2_map_delete(&map), 0);
	pmem2_source_delete(&src);
	munmap(a, 4096);
	munmap(static_cast<char *>(a) + 2 * 4096, 4096);
	close(fd);
}

/* The memory functions may be used from many threads at once (TSan build). */
TEST(mem_ops_threads, concurrent_writers_on_disjoint_ranges)
{
	for (auto g : {PMEM2_GRANULARITY_CACHE_LINE, PMEM2_GRANULARITY_PAGE}) {
		mapped_file f(g);
		ASSERT_NE(f.addr, nullptr) << pmem2_errormsg();
		constexpr int nthreads = 4;
		constexpr std::size_t chunk = file_size / nthreads;
		std::vector<std::thread> threads;
		for (int t = 0; t < nthreads; ++t)
			threads.emplace_back([&f, t] {
				auto cpy = pmem2_get_memcpy_fn(f.map);
				auto set = pmem2_get_memset_fn(f.map);
				auto persist = pmem2_get_persist_fn(f.map);
				std::vector<char> src(chunk, static_cast<char>('a' + t));
				char *d = f.addr + t * chunk;
				for (int i = 0; i < 50; ++i) {
					set(d, t, chunk, PMEM2_F_MEM_NODRAIN);
					cpy(d + 1, src.data(), chunk - 2, 0);
					persist(d, chunk);
				}
			});
		for (auto &th : threads)
			th.join();
		for (int t = 0; t < nthreads; ++t) {
			std::memset(&f.ref[t * chunk], t, chunk);
			std::memset(&f.ref[t * chunk + 1], 'a' + t, chunk - 2);
		}
		EXPECT_TRUE(f.matches()) << gran_name(g);
	}
}
