/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "common/cpu.hpp"
#include "common/flush.hpp"

#include <gtest/gtest.h>

#include <vector>

/* The vector features imply each other the way the ISA defines them. */
TEST(cpu, vector_features_are_consistent)
{
	const auto &f = masync::cpu();
#if defined(__x86_64__)
	EXPECT_TRUE(f.sse2);
	EXPECT_TRUE(f.clflush);
#endif
	if (f.avx2) {
		EXPECT_TRUE(f.avx);
	}
}

/* The answer is computed once: the same object every time. */
TEST(cpu, cached)
{
	EXPECT_EQ(&masync::cpu(), &masync::cpu());
}

/* Flushing any range, aligned or not, leaves the data intact. */
TEST(flush, range_keeps_data)
{
	std::vector<unsigned char> buf(4096 + 64);
	for (size_t i = 0; i < buf.size(); ++i)
		buf[i] = static_cast<unsigned char>(i * 7);
	for (size_t off : {0, 1, 63, 64, 100})
		for (size_t len : {0, 1, 63, 64, 65, 4096})
			masync::flush_range(buf.data() + off, len);
	masync::store_fence();
	for (size_t i = 0; i < buf.size(); ++i)
		ASSERT_EQ(buf[i], static_cast<unsigned char>(i * 7));
}
