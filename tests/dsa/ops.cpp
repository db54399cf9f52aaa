/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The DSA mover's four operations through the vdm interface, for each mover
 * type, in whatever environment ctest runs this in (no model, or
 * MASYNC_DSA_MODEL=1|faults|busy): contents, results and output types,
 * flags, sizes that cross the model's 2 MiB transfer limit, many futures in
 * flight (back-pressure), and concurrent use of one mover.
 */

#include <libminiasync-vdm-dml.h>
#include <libminiasync.h>
#include <libminiasync/data_mover_dsa.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace
{

bool model_on()
{
	return std::getenv("MASYNC_DSA_MODEL") != nullptr;
}

struct param {
	enum data_mover_dml_type type;
	bool force_offload; /* AUTO with threshold 0 */
};

class dsa_ops : public ::testing::TestWithParam<param>
{
      protected:
	void SetUp() override
	{
		dmd = data_mover_dml_new(GetParam().type);
		if (dmd == nullptr && GetParam().type == DATA_MOVER_DML_HARDWARE && !model_on())
			GTEST_SKIP() << "no work queue and no model";
		ASSERT_NE(dmd, nullptr);
		if (GetParam().force_offload) {
			ASSERT_EQ(data_mover_dsa_set_threshold(dmd, 0), 0);
		}
		vdm = data_mover_dml_get_vdm(dmd);
	}
	void TearDown() override { data_mover_dml_delete(dmd); }

	struct data_mover_dml *dmd = nullptr;
	struct vdm *vdm = nullptr;
};

/* A pattern with a period of 4099 bytes (prime: no alignment hides a shift),
 * tiled with memcpy so that sanitizer builds fill megabytes quickly. */
std::vector<unsigned char> pattern(std::size_t n, unsigned seed)
{
	constexpr std::size_t period = 4099;
	std::vector<unsigned char> v(n);
	for (std::size_t i = 0; i < n && i < period; ++i)
		v[i] = static_cast<unsigned char>((i * 131 + seed) ^ (i >> 9));
	for (std::size_t i = period; i < n; i += period)
		std::memcpy(v.data() + i, v.data(), n - i < period ? n - i : period);
	return v;
}

/* the largest is just above the model's 2 MiB max transfer: split in two */
const std::size_t sizes[] = {1, 63, 64, 4097, 65536, (2u << 20) + 4097};
const std::uint64_t flag_sets[] = {0, VDM_F_MEM_DURABLE, VDM_F_NO_CACHE_HINT,
                                   VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT};

TEST_P(dsa_ops, capabilities)
{
	EXPECT_TRUE(vdm_is_supported(vdm, VDM_F_MEM_DURABLE));
	EXPECT_TRUE(vdm_is_supported(vdm, VDM_F_NO_CACHE_HINT));
}

TEST_P(dsa_ops, memcpy_reports_memcpy)
{
	for (std::size_t n : sizes)
		for (std::uint64_t f : flag_sets) {
			auto src = pattern(n, 7);
			std::vector<unsigned char> dst(n, 0);
			auto fut = vdm_memcpy(vdm, dst.data(), src.data(), n, f);
			FUTURE_BUSY_POLL(&fut);
			auto *out = FUTURE_OUTPUT(&fut);
			ASSERT_EQ(out->result, VDM_SUCCESS) << n;
			EXPECT_EQ(out->type, VDM_OPERATION_MEMCPY);
			EXPECT_EQ(out->output.memcpy.dest, dst.data());
			ASSERT_EQ(dst, src) << "n=" << n << " flags=" << f;
		}
}

TEST_P(dsa_ops, memmove_overlapping_both_ways)
{
	for (std::size_t n : sizes) {
		for (long shift : {-3L, 5L, 4096L}) {
			std::vector<unsigned char> buf = pattern(n + 8192, 3);
			std::vector<unsigned char> ref = buf;
			unsigned char *src = buf.data() + 4096;
			unsigned char *dst = src + shift;
			std::memmove(ref.data() + 4096 + shift, ref.data() + 4096, n);
			auto fut = vdm_memmove(vdm, dst, src, n, 0);
			FUTURE_BUSY_POLL(&fut);
			auto *out = FUTURE_OUTPUT(&fut);
			ASSERT_EQ(out->result, VDM_SUCCESS);
			EXPECT_EQ(out->type, VDM_OPERATION_MEMMOVE);
			EXPECT_EQ(out->output.memmove.dest, dst);
			ASSERT_EQ(buf, ref) << "n=" << n << " shift=" << shift;
		}
	}
}

TEST_P(dsa_ops, memset_fills)
{
	for (std::size_t n : sizes)
		for (std::uint64_t f : flag_sets) {
			std::vector<unsigned char> dst(n + 16, 0x11);
			auto fut = vdm_memset(vdm, dst.data() + 8, 0x1a5, n, f);
			FUTURE_BUSY_POLL(&fut);
			auto *out = FUTURE_OUTPUT(&fut);
			ASSERT_EQ(out->result, VDM_SUCCESS);
			EXPECT_EQ(out->type, VDM_OPERATION_MEMSET);
			EXPECT_EQ(out->output.memset.str, dst.data() + 8);
			std::vector<unsigned char> want(n + 16, 0x11);
			std::fill(want.begin() + 8, want.end() - 8, 0xa5);
			ASSERT_EQ(dst, want) << "n=" << n << " flags=" << f;
		}
}

TEST_P(dsa_ops, flush_completes)
{
	for (std::size_t n : sizes) {
		std::vector<unsigned char> dst = pattern(n, 9);
		auto before = dst;
		auto fut = vdm_flush(vdm, dst.data(), n, 0);
		FUTURE_BUSY_POLL(&fut);
		auto *out = FUTURE_OUTPUT(&fut);
		ASSERT_EQ(out->result, VDM_SUCCESS);
		EXPECT_EQ(out->type, VDM_OPERATION_FLUSH);
		EXPECT_EQ(dst, before);
	}
}

TEST_P(dsa_ops, zero_length)
{
	unsigned char a = 1, b = 2;
	auto fut = vdm_memcpy(vdm, &a, &b, 0, 0);
	FUTURE_BUSY_POLL(&fut);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
	EXPECT_EQ(a, 1);
}

/* More futures than the model's queue has entries, polled round-robin. */
TEST_P(dsa_ops, many_in_flight_none_lost)
{
	constexpr std::size_t count = 200, n = 8192;
	std::vector<std::vector<unsigned char>> src, dst;
	std::vector<struct vdm_operation_future> futs;
	for (std::size_t i = 0; i < count; ++i) {
		src.push_back(pattern(n, static_cast<unsigned>(i)));
		dst.emplace_back(n, 0);
	}
	for (std::size_t i = 0; i < count; ++i)
		futs.push_back(vdm_memcpy(vdm, dst[i].data(), src[i].data(), n, 0));
	std::size_t left = count;
	std::vector<bool> done(count, false);
	while (left != 0)
		for (std::size_t i = 0; i < count; ++i)
			if (!done[i] && future_poll(FUTURE_AS_RUNNABLE(&futs[i]), nullptr) ==
			                    FUTURE_STATE_COMPLETE) {
				done[i] = true;
				--left;
				ASSERT_EQ(FUTURE_OUTPUT(&futs[i])->result, VDM_SUCCESS);
			}
	for (std::size_t i = 0; i < count; ++i)
		ASSERT_EQ(dst[i], src[i]) << i;
}

TEST_P(dsa_ops, concurrent_threads)
{
	auto work = [this](unsigned seed) {
		for (int k = 0; k < 50; ++k) {
			std::size_t n = 1000 + 997 * static_cast<std::size_t>(k);
			auto src = pattern(n, seed + static_cast<unsigned>(k));
			std::vector<unsigned char> dst(n, 0);
			auto fut = vdm_memcpy(vdm, dst.data(), src.data(), n, 0);
			FUTURE_BUSY_POLL(&fut);
			EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
			EXPECT_EQ(dst, src);
		}
	};
	std::thread t1(work, 1), t2(work, 2);
	t1.join();
	t2.join();
}

TEST(dsa_new, hardware_without_queue_is_null)
{
	if (model_on())
		GTEST_SKIP() << "model on";
	struct data_mover_dml *d = data_mover_dml_new(DATA_MOVER_DML_HARDWARE);
	if (d != nullptr) {
		data_mover_dml_delete(d);
		GTEST_SKIP() << "a real work queue is usable here";
	}
	SUCCEED();
}

TEST(dsa_new, bad_type_is_null)
{
	int bad = 7;
	enum data_mover_dml_type t;
	std::memcpy(&t, &bad, sizeof(t));
	errno = 0;
	EXPECT_EQ(data_mover_dml_new(t), nullptr);
	EXPECT_EQ(errno, EINVAL);
	data_mover_dml_delete(nullptr);
	EXPECT_EQ(data_mover_dml_get_vdm(nullptr), nullptr);
}

INSTANTIATE_TEST_SUITE_P(
    types, dsa_ops,
    ::testing::Values(param{DATA_MOVER_DML_SOFTWARE, false}, param{DATA_MOVER_DML_AUTO, false},
                      param{DATA_MOVER_DML_AUTO, true}, param{DATA_MOVER_DML_HARDWARE, false}),
    [](const auto &p) {
	    switch (p.param.type) {
	    case DATA_MOVER_DML_SOFTWARE:
		    return std::string("software");
	    case DATA_MOVER_DML_HARDWARE:
		    return std::string("hardware");
	    default:
		    return std::string(p.param.force_offload ? "auto_offload" : "auto");
	    }
    });

} // namespace
