/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync::dsa_mover: the C++ handle on the DSA mover (operations, threshold,
 * counters, HARDWARE failure as an error code without a queue or model,
 * options and settings).
 */

#include <masync/dsa_mover.hpp>
#include <masync/runtime.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

TEST(dsa_cxx, software_and_auto_copy)
{
	masync::runtime rt;
	for (auto t : {masync::dsa_mover::type::software, masync::dsa_mover::type::automatic}) {
		masync::dsa_mover m(t);
		m.set_threshold(16);
		EXPECT_EQ(m.threshold(), 16u);
		std::vector<char> a(4096, 'a'), b(4096, 'b');
		auto f = m.memcpy(b.data(), a.data(), a.size());
		rt.wait(f);
		EXPECT_EQ(f.result(), b.data());
		EXPECT_EQ(a, b);
		auto c = m.counters();
		EXPECT_EQ(c.bytes_cpu + c.bytes_dsa + c.bytes_threads, 4096u);
	}
}

TEST(dsa_cxx, hardware_error_code)
{
	std::error_code ec;
	masync::dsa_mover m(masync::dsa_mover::type::hardware, ec);
	if (std::getenv("MASYNC_DSA_MODEL") != nullptr || m) {
		EXPECT_FALSE(ec);
		GTEST_SKIP() << "a queue or the model is present";
	}
	EXPECT_EQ(ec, std::errc::no_such_device);
	EXPECT_FALSE(m);
}

TEST(dsa_cxx, options_and_settings)
{
	auto o = masync::dsa_mover::default_options();
	EXPECT_EQ(o.batch_size, DATA_MOVER_DSA_DEFAULT_BATCH);
	o.wq_count = 1; /* a count without a list */
	std::error_code ec;
	masync::dsa_mover bad(masync::dsa_mover::type::automatic, o, ec);
	EXPECT_EQ(ec, std::errc::invalid_argument);
	EXPECT_FALSE(bad);
	o.wq_count = 0;
	masync::dsa_mover m(masync::dsa_mover::type::software, o);
	m.set_batch_size(8);
	EXPECT_EQ(m.batch_size(), 0u); /* no queue: no batches */
	EXPECT_EQ(m.wait_mode(), DATA_MOVER_DSA_WAIT_POLL);
}
