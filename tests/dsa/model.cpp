/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The work-queue model and the hardware path's handling of what it
 * reports: descriptor validation statuses, completion record written status
 * last, injected partial completions resumed (read and write faults),
 * injected error statuses turned into vdm errors, counters, the AUTO
 * threshold from the environment, refused submissions as back-pressure.
 */

#include "dsa/model_wq.hpp"
#include "dsa/mover.hpp"

#include <libminiasync.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

using namespace masync::dsa;

namespace
{

struct alignas(32) aligned_record {
	dsa_completion_record cr;
};

dsa_hw_desc desc_of(std::uint8_t opcode, aligned_record &r, const void *src, void *dst,
                    std::uint32_t n)
{
	dsa_hw_desc d{};
	d.opcode = opcode;
	d.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	d.completion_addr = reinterpret_cast<std::uintptr_t>(&r.cr);
	d.src_addr = reinterpret_cast<std::uintptr_t>(src);
	d.dst_addr = reinterpret_cast<std::uintptr_t>(dst);
	d.xfer_size = n;
	clear_record(r.cr);
	return d;
}

TEST(dsa_model, validates_like_the_device)
{
	model_wq wq(model_wq_info(true), model_mode::clean);
	std::vector<char> a(8192, 'a'), b(8192, 'b');
	aligned_record r;

	auto d = desc_of(DSA_OPCODE_MEMMOVE, r, a.data(), b.data(), 4096);
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_SUCCESS);
	EXPECT_EQ(b[4095], 'a');
	EXPECT_EQ(b[4096], 'b');

	d = desc_of(DSA_OPCODE_MEMMOVE, r, a.data(), a.data() + 100, 4096);
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_OVERLAP_BUFFERS);

	d = desc_of(DSA_OPCODE_MEMMOVE, r, a.data(), b.data(), 0);
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_XFER_ERANGE);

	d = desc_of(DSA_OPCODE_MEMMOVE, r, a.data(), b.data(), (2u << 20) + 1);
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_XFER_ERANGE);

	d = desc_of(0x7e, r, a.data(), b.data(), 64);
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_BAD_OPCODE);

	d = desc_of(DSA_OPCODE_MEMMOVE, r, a.data(), b.data(), 64);
	d.flags |= IDXD_OP_FLAG_DSTS; /* a flag the mover never sets */
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_INVALID_FLAGS);

	d = desc_of(DSA_OPCODE_MEMMOVE, r, a.data(), b.data(), 64);
	d.completion_addr += 8; /* misaligned record: never accepted */
	EXPECT_EQ(wq.submit(d), submit_result::error);
	d = desc_of(DSA_OPCODE_MEMMOVE, r, a.data(), b.data(), 64);
	d.flags &= ~IDXD_OP_FLAG_CRAV;
	EXPECT_EQ(wq.submit(d), submit_result::error);
}

TEST(dsa_model, fill_and_batch)
{
	model_wq wq(model_wq_info(true), model_mode::clean);
	std::vector<unsigned char> b(100, 0);
	aligned_record r;
	auto d = desc_of(DSA_OPCODE_MEMFILL, r, nullptr, b.data(), 99);
	d.pattern = 0x5a5a5a5a5a5a5a5aull;
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	ASSERT_EQ(load_status(r.cr), DSA_COMP_SUCCESS);
	EXPECT_EQ(b[98], 0x5a);
	EXPECT_EQ(b[99], 0);

	alignas(64) dsa_hw_desc list[2];
	aligned_record m[2];
	std::vector<char> s(64, 's'), t1(64, 0), t2(64, 0);
	list[0] = desc_of(DSA_OPCODE_MEMMOVE, m[0], s.data(), t1.data(), 64);
	list[1] = desc_of(DSA_OPCODE_MEMMOVE, m[1], s.data(), t2.data(), 64);
	d = desc_of(DSA_OPCODE_BATCH, r, nullptr, nullptr, 0);
	d.desc_list_addr = reinterpret_cast<std::uintptr_t>(list);
	d.desc_count = 2;
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_SUCCESS);
	EXPECT_EQ(load_status(m[0].cr), DSA_COMP_SUCCESS);
	EXPECT_EQ(t1, s);
	EXPECT_EQ(t2, s);

	d.desc_count = 1; /* never a batch of one */
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_DESC_CNT_ERANGE);
	d.desc_count = 2;
	d.desc_list_addr += 8;
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_DESCLIST_ALIGN);
}

TEST(dsa_model, partial_completion_reports_fault)
{
	model_wq wq(model_wq_info(true), model_mode::clean);
	std::vector<char> a(4096, 'a'), b(4096, 'b');
	aligned_record r;
	wq.inject_partial(1000, false);
	auto d = desc_of(DSA_OPCODE_MEMMOVE, r, a.data(), b.data(), 4096);
	ASSERT_EQ(wq.submit(d), submit_result::accepted);
	EXPECT_EQ(load_status(r.cr), DSA_COMP_PAGE_FAULT_NOBOF);
	EXPECT_EQ(r.cr.bytes_completed, 1000u);
	EXPECT_EQ(r.cr.fault_addr, reinterpret_cast<std::uintptr_t>(a.data() + 1000));
	EXPECT_EQ(b[999], 'a');
	EXPECT_EQ(b[1000], 'b');
}

class dsa_hw_path : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		setenv("MASYNC_DSA_MODEL", "1", 1);
		dmd = data_mover_dml_new(DATA_MOVER_DML_HARDWARE);
		unsetenv("MASYNC_DSA_MODEL");
		ASSERT_NE(dmd, nullptr);
		wq = dynamic_cast<model_wq *>(mover_portal(dmd));
		ASSERT_NE(wq, nullptr);
		vdm = data_mover_dml_get_vdm(dmd);
	}
	void TearDown() override { data_mover_dml_delete(dmd); }
	data_mover_dsa_counters counters()
	{
		data_mover_dsa_counters c{};
		EXPECT_EQ(data_mover_dsa_get_counters(dmd, &c), 0);
		return c;
	}
	struct data_mover_dml *dmd = nullptr;
	model_wq *wq = nullptr;
	struct vdm *vdm = nullptr;
};

TEST_F(dsa_hw_path, names_the_model_queue)
{
	EXPECT_STREQ(data_mover_dsa_wq_name(dmd), "model/wq0.0");
}

TEST_F(dsa_hw_path, partial_completions_are_resumed)
{
	for (bool write : {false, true}) {
		std::vector<char> a(10000, 'a'), b(10000, 'b');
		wq->inject_partial(3000, write);
		auto fut = vdm_memcpy(vdm, b.data(), a.data(), a.size(), 0);
		FUTURE_BUSY_POLL(&fut);
		ASSERT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
		EXPECT_EQ(a, b);
	}
	auto c = counters();
	EXPECT_EQ(c.page_faults, 2u);
	EXPECT_EQ(c.resubmissions, 2u);
	EXPECT_EQ(c.submissions, 4u);
	EXPECT_EQ(c.bytes_dsa, 20000u);
	EXPECT_EQ(c.bytes_cpu, 0u);
}

TEST_F(dsa_hw_path, error_status_becomes_vdm_error)
{
	std::vector<char> a(4096, 'a'), b(4096, 'b');
	wq->inject_status(DSA_COMP_HW_ERR1, 1);
	auto fut = vdm_memcpy(vdm, b.data(), a.data(), a.size(), 0);
	FUTURE_BUSY_POLL(&fut);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_ERROR_JOB_CORRUPTED);
	EXPECT_EQ(FUTURE_OUTPUT(&fut)->type, VDM_OPERATION_MEMCPY);
	auto c = counters();
	EXPECT_EQ(c.errors, 1u);
	EXPECT_EQ(c.last_error_status, DSA_COMP_HW_ERR1);

	/* the mover is still usable */
	auto fut2 = vdm_memcpy(vdm, b.data(), a.data(), a.size(), 0);
	FUTURE_BUSY_POLL(&fut2);
	EXPECT_EQ(FUTURE_OUTPUT(&fut2)->result, VDM_SUCCESS);
	EXPECT_EQ(a, b);
}

TEST_F(dsa_hw_path, large_ops_are_split_at_max_transfer)
{
	std::vector<char> a((5u << 20) + 17, 'a'), b(a.size(), 'b');
	auto fut = vdm_memcpy(vdm, b.data(), a.data(), a.size(), 0);
	FUTURE_BUSY_POLL(&fut);
	ASSERT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
	EXPECT_EQ(a, b);
	EXPECT_EQ(counters().submissions, 3u);
}

TEST_F(dsa_hw_path, overlapping_memmove_runs_on_cpu)
{
	std::vector<char> a(4096);
	for (std::size_t i = 0; i < a.size(); ++i)
		a[i] = static_cast<char>(i);
	auto fut = vdm_memmove(vdm, a.data() + 1, a.data(), 4000, 0);
	FUTURE_BUSY_POLL(&fut);
	ASSERT_EQ(FUTURE_OUTPUT(&fut)->result, VDM_SUCCESS);
	EXPECT_EQ(a[1], 0);
	EXPECT_EQ(a[4000], static_cast<char>(3999));
	EXPECT_EQ(counters().fallback_overlap, 1u);
}

/* The dedicated queue's in-flight limit (32 entries) refuses the 33rd. */
TEST_F(dsa_hw_path, full_queue_keeps_future_pending)
{
	ASSERT_EQ(data_mover_dsa_set_batch_size(dmd, 0), 0); /* single submissions here */
	constexpr int count = 40;
	std::vector<std::vector<char>> src(count, std::vector<char>(256, 'x')),
	    dst(count, std::vector<char>(256, 0));
	std::vector<struct vdm_operation_future> futs;
	for (int i = 0; i < count; ++i)
		futs.push_back(vdm_memcpy(vdm, dst[i].data(), src[i].data(), 256, 0));
	for (int i = 0; i < 32; ++i)
		EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&futs[i]), nullptr), FUTURE_STATE_COMPLETE)
		    << i;
	/* these were polled (started) only after the first 32 completed: all go */
	for (int i = 32; i < count; ++i)
		FUTURE_BUSY_POLL(&futs[i]);
	for (int i = 0; i < count; ++i)
		EXPECT_EQ(dst[i], src[i]);
	EXPECT_EQ(counters().refused, 0u);

	/* now hold 32 started-but-unchecked records: the next start is refused */
	std::vector<struct vdm_operation_future> held;
	for (int i = 0; i < 33; ++i)
		held.push_back(vdm_memcpy(vdm, dst[i].data(), src[i].data(), 256, 0));
	struct vdm_operation_data *fd = &held[32].data;
	for (int i = 0; i < 32; ++i)
		ASSERT_EQ(vdm->op_start(held[i].data.data, &held[i].data.operation, nullptr), 0);
	EXPECT_NE(vdm->op_start(fd->data, &fd->operation, nullptr), 0);
	EXPECT_EQ(counters().refused, 1u);
	/* let the held ones complete through the normal path */
	for (int i = 0; i < 32; ++i) {
		held[i].base.context.state = FUTURE_STATE_RUNNING;
		FUTURE_BUSY_POLL(&held[i]);
	}
	FUTURE_BUSY_POLL(&held[32]);
	EXPECT_EQ(FUTURE_OUTPUT(&held[32])->result, VDM_SUCCESS);
}

TEST(dsa_auto, threshold_from_environment_and_api)
{
	setenv("MASYNC_DSA_AUTO_THRESHOLD", "12345", 1);
	struct data_mover_dml *d = data_mover_dml_new(DATA_MOVER_DML_AUTO);
	unsetenv("MASYNC_DSA_AUTO_THRESHOLD");
	ASSERT_NE(d, nullptr);
	EXPECT_EQ(data_mover_dsa_get_threshold(d), 12345u);
	EXPECT_EQ(data_mover_dsa_set_threshold(d, 77), 0);
	EXPECT_EQ(data_mover_dsa_get_threshold(d), 77u);
	data_mover_dml_delete(d);
	EXPECT_EQ(data_mover_dsa_set_threshold(nullptr, 1), -1);
}

TEST(dsa_auto, small_inline_large_offloaded_on_model)
{
	setenv("MASYNC_DSA_MODEL", "1", 1);
	struct data_mover_dml *d = data_mover_dml_new(DATA_MOVER_DML_AUTO);
	unsetenv("MASYNC_DSA_MODEL");
	ASSERT_NE(d, nullptr);
	data_mover_dsa_set_threshold(d, 1024);
	struct vdm *v = data_mover_dml_get_vdm(d);
	std::vector<char> a(4096, 'a'), b(4096, 'b');
	auto f1 = vdm_memcpy(v, b.data(), a.data(), 100, 0);
	FUTURE_BUSY_POLL(&f1);
	auto f2 = vdm_memcpy(v, b.data(), a.data(), 4096, 0);
	FUTURE_BUSY_POLL(&f2);
	EXPECT_EQ(a, b);
	data_mover_dsa_counters c{};
	data_mover_dsa_get_counters(d, &c);
	EXPECT_EQ(c.bytes_cpu, 100u);
	EXPECT_EQ(c.bytes_dsa, 4096u);
	data_mover_dml_delete(d);
}

TEST(dsa_auto, large_go_to_threads_without_queue)
{
	unsetenv("MASYNC_DSA_MODEL");
	struct data_mover_dml *d = data_mover_dml_new(DATA_MOVER_DML_AUTO);
	ASSERT_NE(d, nullptr);
	if (data_mover_dsa_wq_name(d) != nullptr) {
		data_mover_dml_delete(d);
		GTEST_SKIP() << "a real queue is usable here";
	}
	data_mover_dsa_set_threshold(d, 1024);
	struct vdm *v = data_mover_dml_get_vdm(d);
	std::vector<char> a(1 << 20, 'a'), b(1 << 20, 'b');
	auto f = vdm_memcpy(v, b.data(), a.data(), a.size(), 0);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(FUTURE_OUTPUT(&f)->result, VDM_SUCCESS);
	EXPECT_EQ(FUTURE_OUTPUT(&f)->type, VDM_OPERATION_MEMCPY);
	EXPECT_EQ(a, b);
	data_mover_dsa_counters c{};
	data_mover_dsa_get_counters(d, &c);
	/* the workers get a share, the caller does the rest (4 KiB aligned) */
	EXPECT_GT(c.bytes_threads, 0u);
	EXPECT_EQ(c.bytes_threads + c.bytes_cpu, a.size());
	EXPECT_EQ(c.bytes_cpu % 4096, 0u);
	data_mover_dml_delete(d);
}

} // namespace
