/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The memory kernels (common/kernels.hpp) against plain memmove/memset: every
 * flag combination, destination and source offsets 0/7/9/63, sizes on both
 * sides of every size-class boundary, overlaps in both directions, and the
 * number of line write-backs and fences each mode promises. CTest runs this
 * program once per kernel, forced through the environment (see
 * CMakeLists.txt); MASYNC_TEST_EXPECT_ISA / _FLUSH / _MOVNT say what the
 * environment should have selected.
 */

#include "common/cpu.hpp"
#include "common/flush.hpp"
#include "common/kernels.hpp"
#include "common/test_hook.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace mem = masync::mem;

namespace
{

const std::size_t sizes[] = {1,   2,   3,   4,   5,    7,    8,    9,    15,   16,   17,  24,
                             31,  32,  33,  48,  63,   64,   65,   100,  127,  128,  129, 191,
                             192, 255, 256, 257, 319,  320,  321,  383,  384,  385,  447, 448,
                             449, 511, 512, 513, 1000, 1024, 1025, 4095, 4096, 4097, 8191};
const std::size_t offsets[] = {0, 7, 9, 63};

/* Every combination of the six PMEM2 flags, with and without no_line_flush. */
std::vector<unsigned> all_flags()
{
	std::vector<unsigned> v;
	for (unsigned f = 0; f < 64; ++f) {
		v.push_back(f);
		v.push_back(f | mem::no_line_flush);
	}
	return v;
}

constexpr std::size_t guard = 128;
constexpr std::size_t area = 8192 + 64 + 2 * guard;

struct buffers {
	/* 64-aligned, so the offsets above are offsets from a line boundary. */
	alignas(64) unsigned char src[area];
	alignas(64) unsigned char dst[area];
	alignas(64) unsigned char ref[area];

	explicit buffers(unsigned seed)
	{
		std::mt19937 rng(seed);
		for (std::size_t i = 0; i < area; ++i) {
			src[i] = static_cast<unsigned char>(rng());
			dst[i] = static_cast<unsigned char>(rng());
		}
		std::memcpy(ref, dst, area);
	}
};

std::size_t lines_touched(const void *p, std::size_t n)
{
	auto a = reinterpret_cast<std::uintptr_t>(p);
	return n == 0 ? 0 : ((a + n - 1) / 64 - a / 64 + 1);
}

} // namespace

TEST(kernels, environment_selects_expected_kernel)
{
	const auto &c = mem::chosen();
	std::printf("isa=%s flush=%s movnt=%d threshold=%zu\n", c.isa, c.flush, int(c.movnt),
	            c.nt_threshold);
	if (const char *isa = std::getenv("MASYNC_TEST_EXPECT_ISA")) {
		bool supported = true;
		if (std::strcmp(isa, "avx512f") == 0)
			supported = masync::cpu().avx512f;
		else if (std::strcmp(isa, "avx") == 0)
			supported = masync::cpu().avx;
		if (supported) {
			EXPECT_STREQ(c.isa, isa);
		}
	}
	if (const char *fl = std::getenv("MASYNC_TEST_EXPECT_FLUSH")) {
		EXPECT_STREQ(c.flush, fl);
	}
	if (const char *nt = std::getenv("MASYNC_TEST_EXPECT_MOVNT")) {
		EXPECT_EQ(c.movnt, std::strcmp(nt, "1") == 0);
	}
}

TEST(kernels, copy_matches_memcpy)
{
	buffers b(1);
	for (unsigned flags : all_flags())
		for (std::size_t so : offsets)
			for (std::size_t d_o : offsets)
				for (std::size_t n : sizes) {
					unsigned char *d = b.dst + guard + d_o;
					const unsigned char *s = b.src + guard + so;
					ASSERT_EQ(mem::copy(d, s, n, flags), d);
					std::memcpy(b.ref + guard + d_o, s, n);
					ASSERT_EQ(std::memcmp(b.dst, b.ref, area), 0)
					    << "flags " << flags << " src+" << so << " dst+" << d_o
					    << " n " << n;
				}
}

TEST(kernels, set_matches_memset)
{
	buffers b(2);
	int c = 0;
	for (unsigned flags : all_flags())
		for (std::size_t d_o : offsets)
			for (std::size_t n : sizes) {
				c = (c + 37) &
				    0x1ff; /* also values above 255: only the low byte counts */
				unsigned char *d = b.dst + guard + d_o;
				ASSERT_EQ(mem::set(d, c, n, flags), d);
				std::memset(b.ref + guard + d_o, c, n);
				ASSERT_EQ(std::memcmp(b.dst, b.ref, area), 0)
				    << "flags " << flags << " dst+" << d_o << " n " << n;
			}
}

/* Overlapping moves, the destination below and above the source. */
TEST(kernels, move_overlapping_both_directions)
{
	const std::size_t shifts[] = {1, 7, 8, 9, 63, 64, 65, 128, 200, 256, 1000, 4096};
	const unsigned flagsets[] = {0,
	                             mem::nontemporal,
	                             mem::temporal,
	                             mem::noflush,
	                             mem::no_line_flush,
	                             mem::no_line_flush | mem::nontemporal};
	std::vector<unsigned char> pristine(3 * 8192 + 256), buf, ref;
	std::mt19937 rng(3);
	for (auto &x : pristine)
		x = static_cast<unsigned char>(rng());
	for (unsigned flags : flagsets)
		for (std::size_t shift : shifts)
			for (std::size_t n : sizes)
				for (std::size_t base : {std::size_t(0), std::size_t(9)})
					for (int dir = 0; dir < 2; ++dir) {
						buf = pristine;
						ref = pristine;
						std::size_t lo = 4096 + base;
						std::size_t s = dir ? lo : lo + shift;
						std::size_t d = dir ? lo + shift : lo;
						ASSERT_EQ(mem::move(&buf[d], &buf[s], n, flags),
						          &buf[d]);
						std::memmove(&ref[d], &ref[s], n);
						ASSERT_EQ(buf, ref)
						    << "flags " << flags << " shift " << shift
						    << " n " << n << " dir " << dir;
					}
}

/* n == 0 and dst == src do nothing at all: no store, write-back or fence. */
TEST(kernels, empty_and_self_do_nothing)
{
	alignas(64) unsigned char b[256];
	std::memset(b, 5, sizeof(b));
	masync::test_hook::start();
	EXPECT_EQ(mem::copy(b, b + 64, 0, 0), b);
	EXPECT_EQ(mem::move(b, b, 100, 0), b);
	EXPECT_EQ(mem::set(b, 1, 0, 0), b);
	auto c = masync::test_hook::stop();
	EXPECT_EQ(c.flushes, 0u);
	EXPECT_EQ(c.fences, 0u);
	for (unsigned char x : b)
		EXPECT_EQ(x, 5);
}

/* Write-backs and fences per mode: exactly what kernels.hpp promises. */
TEST(kernels, flush_and_fence_counts)
{
	const auto &c = mem::chosen();
	alignas(64) static unsigned char src[8192 + 128], dst[8192 + 128];
	for (std::size_t n : sizes)
		for (std::size_t off : offsets)
			for (unsigned hint :
			     {0u, mem::nontemporal, mem::temporal, mem::wc, mem::wb})
				for (unsigned extra :
				     {0u, mem::nodrain, mem::noflush, mem::no_line_flush,
				      mem::no_line_flush | mem::nodrain})
					for (int op = 0; op < 2; ++op) {
						unsigned flags = hint | extra;
						unsigned char *d = dst + off;
						masync::test_hook::start();
						if (op == 0)
							mem::copy(d, src + 3, n, flags);
						else
							mem::set(d, 0x5a, n, flags);
						auto got = masync::test_hook::stop();

						bool noflush = extra & mem::noflush;
						bool nt = c.movnt && !noflush &&
						          ((hint & (mem::nontemporal | mem::wc)) ||
						           (!(hint & (mem::temporal | mem::wb)) &&
						            n >= c.nt_threshold));
						std::size_t want_fl = 0;
						if (!noflush && !(extra & mem::no_line_flush) &&
						    std::strcmp(c.flush, "none") != 0) {
							auto a =
							    reinterpret_cast<std::uintptr_t>(d);
							if (nt &&
							    n >= 64) /* a whole line: streamed */
								want_fl = (a % 64 != 0) +
								          ((a + n) % 64 != 0);
							else
								want_fl = lines_touched(d, n);
						}
						std::size_t want_fe =
						    (extra & (mem::nodrain | mem::noflush)) ? 0 : 1;
						ASSERT_EQ(got.flushes, want_fl)
						    << "op " << op << " flags " << flags << " off "
						    << off << " n " << n;
						ASSERT_EQ(got.fences, want_fe)
						    << "op " << op << " flags " << flags;
					}
}

/* flush() writes back each touched line once; store_fence() is one fence. */
TEST(kernels, flush_and_drain_counts)
{
	alignas(64) static unsigned char b[4096 + 128];
	for (std::size_t off : offsets)
		for (std::size_t n : sizes) {
			masync::test_hook::start();
			mem::flush(b + off, n);
			masync::store_fence();
			auto got = masync::test_hook::stop();
			ASSERT_EQ(got.flushes, lines_touched(b + off, n));
			ASSERT_EQ(got.fences, 1u);
		}
}

/*
 * Every size 0..300 at every destination offset in a line (and a few source
 * offsets), for the modes that pick different size classes, against memmove
 * and memset; the bytes around the destination must stay untouched, and the
 * write-backs must be what the mode promises: every touched line once for
 * temporal stores, only the partial end lines when a whole line is streamed.
 */
TEST(kernels, every_small_size_and_offset)
{
	const auto &c = mem::chosen();
	const bool counts = std::strcmp(c.flush, "none") != 0;
	const unsigned flagsets[] = {0, mem::nontemporal, mem::temporal, mem::noflush,
	                             mem::nodrain};
	buffers b(4);
	for (unsigned flags : flagsets)
		for (std::size_t d_o = 0; d_o < 64; ++d_o)
			for (std::size_t so : {std::size_t(0), std::size_t(1), std::size_t(8), d_o})
				for (std::size_t n = 0; n <= 300; ++n)
					for (int op = 0; op < 2; ++op) {
						unsigned char *d = b.dst + guard + d_o;
						const unsigned char *s = b.src + guard + so;
						masync::test_hook::start();
						if (op == 0) {
							ASSERT_EQ(mem::move(d, s, n, flags), d);
							std::memmove(b.ref + guard + d_o, s, n);
						} else {
							ASSERT_EQ(
							    mem::set(d, int(n + d_o), n, flags), d);
							std::memset(b.ref + guard + d_o,
							            int(n + d_o), n);
						}
						auto got = masync::test_hook::stop();
						ASSERT_EQ(std::memcmp(b.dst, b.ref,
						                      guard + 64 + 300 + guard),
						          0)
						    << "op " << op << " flags " << flags << " dst+"
						    << d_o << " src+" << so << " n " << n;
						if (!counts || n == 0)
							continue;
						bool nt =
						    c.movnt &&
						    !(flags & (mem::temporal | mem::noflush)) &&
						    ((flags & mem::nontemporal) ||
						     n >= c.nt_threshold);
						auto a = reinterpret_cast<std::uintptr_t>(d);
						std::size_t want =
						    (flags & mem::noflush) ? 0
						    : (nt && n >= 64)
						        ? (a % 64 != 0) + ((a + n) % 64 != 0)
						        : lines_touched(d, n);
						ASSERT_EQ(got.flushes, want)
						    << "op " << op << " flags " << flags << " dst+"
						    << d_o << " n " << n;
						ASSERT_EQ(got.fences,
						          (flags & (mem::noflush | mem::nodrain))
						              ? 0u
						              : 1u);
					}
}

/* Overlapping moves of every size 1..300 by every shift 1..72, both directions. */
TEST(kernels, every_small_overlapping_move)
{
	std::vector<unsigned char> pristine(2048), buf, ref;
	std::mt19937 rng(5);
	for (auto &x : pristine)
		x = static_cast<unsigned char>(rng());
	for (unsigned flags : {0u, mem::nontemporal, mem::temporal})
		for (std::size_t shift = 1; shift <= 72; ++shift)
			for (std::size_t n = 1; n <= 300; ++n)
				for (int dir = 0; dir < 2; ++dir) {
					buf = pristine;
					ref = pristine;
					std::size_t lo = 512 + (n + shift) % 64;
					std::size_t s = dir ? lo : lo + shift;
					std::size_t d = dir ? lo + shift : lo;
					ASSERT_EQ(mem::move(&buf[d], &buf[s], n, flags), &buf[d]);
					std::memmove(&ref[d], &ref[s], n);
					ASSERT_EQ(buf, ref)
					    << "flags " << flags << " shift " << shift << " n " << n
					    << " dir " << dir;
				}
}
