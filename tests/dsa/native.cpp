/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The DSA mover's native options, on the model: batches (one BATCH
 * descriptor for the operations started in one runtime pass, never a batch
 * of one, flushed by a member's first check, taken apart by another
 * thread), work-queue selection by name list and NUMA policy, batch size,
 * wait mode, the real-fault model mode (mincore after MADV_DONTNEED) and the
 * persistence checker judging durable writes the model made.
 */

#include "common/cpu.hpp"
#include "common/persistence_checker.hpp"
#include "dsa/model_wq.hpp"
#include "dsa/mover.hpp"

#include <libminiasync.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <thread>
#include <vector>

namespace
{

/* Makes a mover with the model in `mode` on, the environment restored. */
struct data_mover_dml *model_mover(enum data_mover_dml_type t, const char *mode = "1",
                                   const data_mover_dsa_options *o = nullptr)
{
	setenv("MASYNC_DSA_MODEL", mode, 1);
	struct data_mover_dml *d = data_mover_dsa_new(t, o);
	unsetenv("MASYNC_DSA_MODEL");
	return d;
}

data_mover_dsa_counters counters_of(struct data_mover_dml *d)
{
	data_mover_dsa_counters c{};
	EXPECT_EQ(data_mover_dsa_get_counters(d, &c), 0);
	return c;
}

class dsa_batch : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		dmd = model_mover(DATA_MOVER_DML_HARDWARE);
		ASSERT_NE(dmd, nullptr);
		ASSERT_EQ(data_mover_dsa_set_batch_size(dmd, 8), 0);
		vdm = data_mover_dml_get_vdm(dmd);
		for (int i = 0; i < count; ++i) {
			src[i].assign(512, static_cast<char>('a' + i));
			dst[i].assign(512, 0);
		}
	}
	void TearDown() override { data_mover_dml_delete(dmd); }
	/* Copies 0..k-1, each polled once: started, and held in the open batch. */
	std::vector<struct vdm_operation_future> start_held(int k)
	{
		std::vector<struct vdm_operation_future> futs;
		for (int i = 0; i < k; ++i)
			futs.push_back(vdm_memcpy(vdm, dst[i].data(), src[i].data(), 512, 0));
		for (auto &f : futs)
			EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), nullptr),
			          FUTURE_STATE_RUNNING);
		return futs;
	}
	/* All `count` copies through runtime_wait_multiple; checks the data. */
	void run_all()
	{
		std::vector<struct vdm_operation_future> futs;
		std::vector<struct future *> ptrs;
		for (int i = 0; i < count; ++i) {
			std::memset(dst[i].data(), 0, 512);
			futs.push_back(vdm_memcpy(vdm, dst[i].data(), src[i].data(), 512, 0));
		}
		for (auto &f : futs)
			ptrs.push_back(FUTURE_AS_RUNNABLE(&f));
		struct runtime *rt = runtime_new();
		runtime_wait_multiple(rt, ptrs.data(), ptrs.size());
		runtime_delete(rt);
		for (int i = 0; i < count; ++i) {
			EXPECT_EQ(FUTURE_OUTPUT(&futs[i])->result, VDM_SUCCESS);
			ASSERT_EQ(dst[i], src[i]) << i;
		}
	}
	static constexpr int count = 20;
	struct data_mover_dml *dmd = nullptr;
	struct vdm *vdm = nullptr;
	std::vector<char> src[count], dst[count];
};

TEST_F(dsa_batch, one_runtime_pass_is_one_batch)
{
	run_all();
	auto c = counters_of(dmd);
	/* 8 + 8 as batches when full; the last 4 as one batch at the next pass */
	EXPECT_EQ(c.batches, 3u);
	EXPECT_EQ(c.batched_ops, 20u);
	EXPECT_EQ(c.submissions, 20u);
	EXPECT_EQ(c.completions, 20u);
}

TEST_F(dsa_batch, first_check_sends_and_no_batch_of_one)
{
	auto futs = start_held(3);
	EXPECT_EQ(counters_of(dmd).submissions, 0u);
	/* the first member's next check sends all three */
	EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&futs[0]), nullptr), FUTURE_STATE_COMPLETE);
	auto c = counters_of(dmd);
	EXPECT_EQ(c.batches, 1u);
	EXPECT_EQ(c.batched_ops, 3u);
	for (auto &f : futs)
		FUTURE_BUSY_POLL(&f);
	for (int i = 0; i < 3; ++i)
		EXPECT_EQ(dst[i], src[i]);

	/* a lone future: sent as a plain descriptor */
	auto f = vdm_memcpy(vdm, dst[5].data(), src[5].data(), 512, 0);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(dst[5], src[5]);
	c = counters_of(dmd);
	EXPECT_EQ(c.batches, 1u);
	EXPECT_EQ(c.submissions, 4u);
}

TEST_F(dsa_batch, another_thread_takes_members_out)
{
	auto futs = start_held(4);
	std::thread([&] {
		for (auto &f : futs)
			FUTURE_BUSY_POLL(&f);
	}).join();
	for (int i = 0; i < 4; ++i)
		EXPECT_EQ(dst[i], src[i]);
	auto c = counters_of(dmd);
	EXPECT_EQ(c.batches, 0u);
	EXPECT_EQ(c.submissions, 4u);
	/* the opener's batch is empty now: its next operation still works */
	auto f = vdm_memcpy(vdm, dst[9].data(), src[9].data(), 512, 0);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(dst[9], src[9]);
}

TEST_F(dsa_batch, refused_batches_lose_nothing)
{
	data_mover_dml_delete(dmd);
	dmd = model_mover(DATA_MOVER_DML_HARDWARE, "busy");
	ASSERT_NE(dmd, nullptr);
	vdm = data_mover_dml_get_vdm(dmd);
	for (int round = 0; round < 10; ++round) {
		SCOPED_TRACE(round);
		run_all();
	}
	auto c = counters_of(dmd);
	EXPECT_GT(c.batches, 0u);
	EXPECT_GT(c.refused, 0u);
	EXPECT_EQ(c.completions, 10u * count);
}

TEST(dsa_options, batch_size_is_clamped)
{
	struct data_mover_dml *d = model_mover(DATA_MOVER_DML_HARDWARE);
	ASSERT_NE(d, nullptr);
	EXPECT_EQ(data_mover_dsa_get_batch_size(d), DATA_MOVER_DSA_DEFAULT_BATCH);
	EXPECT_EQ(data_mover_dsa_set_batch_size(d, 1000), 0);
	EXPECT_EQ(data_mover_dsa_get_batch_size(d), 32u); /* the model queue's maximum */
	EXPECT_EQ(data_mover_dsa_set_batch_size(d, 1), 0);
	EXPECT_EQ(data_mover_dsa_get_batch_size(d), 0u);
	data_mover_dml_delete(d);
	d = data_mover_dml_new(DATA_MOVER_DML_SOFTWARE);
	EXPECT_EQ(data_mover_dsa_get_batch_size(d), 0u); /* no queue, no batches */
	data_mover_dml_delete(d);
	EXPECT_EQ(data_mover_dsa_set_batch_size(nullptr, 4), -1);
}

TEST(dsa_options, queue_names_in_order)
{
	data_mover_dsa_options o;
	data_mover_dsa_options_init(&o);
	const char *shared[] = {"no/such", "model/wq0.1", "model/wq0.0"};
	o.wq_names = shared;
	o.wq_count = 3;
	struct data_mover_dml *d = model_mover(DATA_MOVER_DML_HARDWARE, "1", &o);
	ASSERT_NE(d, nullptr);
	EXPECT_STREQ(data_mover_dsa_wq_name(d), "model/wq0.1");
	data_mover_dml_delete(d);

	o.wq_count = 1; /* only "no/such" */
	errno = 0;
	EXPECT_EQ(model_mover(DATA_MOVER_DML_HARDWARE, "1", &o), nullptr);
	EXPECT_EQ(errno, ENODEV);

	/* the environment's list, when no list is given */
	setenv("MASYNC_DSA_WQ", "no/such,model/wq0.1", 1);
	d = model_mover(DATA_MOVER_DML_HARDWARE);
	unsetenv("MASYNC_DSA_WQ");
	ASSERT_NE(d, nullptr);
	EXPECT_STREQ(data_mover_dsa_wq_name(d), "model/wq0.1");
	data_mover_dml_delete(d);

	o.wq_names = nullptr;
	o.wq_count = 2; /* a count without a list */
	errno = 0;
	EXPECT_EQ(model_mover(DATA_MOVER_DML_HARDWARE, "1", &o), nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(dsa_options, numa_policy)
{
	data_mover_dsa_options o;
	data_mover_dsa_options_init(&o);
	o.numa_policy = DATA_MOVER_DSA_NUMA_ONLY_NODE;
	o.numa_node = 1; /* the model's queues are on node 0 */
	EXPECT_EQ(model_mover(DATA_MOVER_DML_HARDWARE, "1", &o), nullptr);
	/* AUTO keeps working without a queue */
	struct data_mover_dml *d = model_mover(DATA_MOVER_DML_AUTO, "1", &o);
	ASSERT_NE(d, nullptr);
	EXPECT_EQ(data_mover_dsa_wq_name(d), nullptr);
	data_mover_dml_delete(d);
	for (auto p : {DATA_MOVER_DSA_NUMA_PREFER_NODE, DATA_MOVER_DSA_NUMA_PREFER_LOCAL,
	               DATA_MOVER_DSA_NUMA_ANY}) {
		o.numa_policy = p;
		d = model_mover(DATA_MOVER_DML_HARDWARE, "1", &o);
		ASSERT_NE(d, nullptr) << p;
		EXPECT_STREQ(data_mover_dsa_wq_name(d), "model/wq0.0");
		data_mover_dml_delete(d);
	}
	o.numa_policy = static_cast<enum data_mover_dsa_numa_policy>(9);
	errno = 0;
	EXPECT_EQ(model_mover(DATA_MOVER_DML_HARDWARE, "1", &o), nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(dsa_options, wait_mode)
{
	struct data_mover_dml *d = model_mover(DATA_MOVER_DML_HARDWARE);
	ASSERT_NE(d, nullptr);
	EXPECT_EQ(data_mover_dsa_get_wait_mode(d), DATA_MOVER_DSA_WAIT_POLL);
	errno = 0;
	int rc = data_mover_dsa_set_wait_mode(d, DATA_MOVER_DSA_WAIT_UMWAIT);
	if (masync::cpu().waitpkg) {
		EXPECT_EQ(rc, 0);
		EXPECT_EQ(data_mover_dsa_get_wait_mode(d), DATA_MOVER_DSA_WAIT_UMWAIT);
	} else {
		EXPECT_EQ(rc, -1);
		EXPECT_EQ(errno, ENOTSUP);
		EXPECT_EQ(data_mover_dsa_get_wait_mode(d), DATA_MOVER_DSA_WAIT_POLL);
	}
	std::vector<char> a(4096, 'a'), b(4096, 0);
	auto f = vdm_memcpy(data_mover_dml_get_vdm(d), b.data(), a.data(), a.size(), 0);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(a, b);
	EXPECT_EQ(data_mover_dsa_set_wait_mode(d, static_cast<enum data_mover_dsa_wait_mode>(7)),
	          -1);
	data_mover_dml_delete(d);
}

/* The model stops at pages mincore() reports absent; the mover resumes. */
TEST(dsa_model_real_faults, resumes_at_dropped_pages)
{
	constexpr std::size_t page = 4096, pages = 16, n = page * pages;
	auto *src = static_cast<char *>(
	    mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	auto *dst = static_cast<char *>(
	    mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	ASSERT_NE(src, MAP_FAILED);
	ASSERT_NE(dst, MAP_FAILED);
	for (std::size_t i = 0; i < n; ++i)
		src[i] = static_cast<char>(i * 7 + 1);
	std::memset(dst, 0x55, n);
	ASSERT_EQ(madvise(src + 3 * page, page, MADV_DONTNEED), 0); /* now reads as zero */
	ASSERT_EQ(madvise(dst + 9 * page, page, MADV_DONTNEED), 0);
	ASSERT_EQ(madvise(dst + 12 * page, page, MADV_DONTNEED), 0);
	std::vector<char> want(n); /* built without reading src: that would map page 3 */
	for (std::size_t i = 0; i < n; ++i)
		want[i] = (i / page == 3) ? 0 : static_cast<char>(i * 7 + 1);

	struct data_mover_dml *d = model_mover(DATA_MOVER_DML_HARDWARE, "realfaults");
	ASSERT_NE(d, nullptr);
	data_mover_dsa_set_batch_size(d, 0);
	auto f = vdm_memcpy(data_mover_dml_get_vdm(d), dst, src, n, 0);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(FUTURE_OUTPUT(&f)->result, VDM_SUCCESS);
	EXPECT_EQ(std::memcmp(dst, want.data(), n), 0);
	auto c = counters_of(d);
	EXPECT_EQ(c.page_faults, 3u); /* src page 3 (read), dst pages 9 and 12 (write) */
	EXPECT_EQ(c.resubmissions, 3u);
	EXPECT_EQ(c.bytes_dsa, n);
	EXPECT_EQ(c.bytes_cpu, 0u);
	data_mover_dml_delete(d);
	munmap(src, n);
	munmap(dst, n);
}

/* The checker judges the model's durable copies: the CPU's write-back is what makes them so. */
TEST(dsa_persistence, durable_device_writes_are_checked)
{
	namespace pc = masync::persistence_checker;
	if (!pc::enabled)
		GTEST_SKIP() << "built without -DMASYNC_PERSISTENCE_CHECKER=ON";
	struct data_mover_dml *d = model_mover(DATA_MOVER_DML_HARDWARE);
	ASSERT_NE(d, nullptr);
	alignas(4096) static char map[16384];
	static char src[8192];
	std::memset(src, 'p', sizeof(src));
	const pc::operation op{"dsa_memcpy", map,  sizeof(map),
	                       map + 4096,   8192, pc::granularity::cache_line};
	for (bool skip : {false, true}) {
		pc::clear_violations();
		masync::dsa::test_skip_write_back = skip;
		std::uint64_t id = pc::op_begin(op);
		auto f =
		    vdm_memcpy(data_mover_dml_get_vdm(d), map + 4096, src, 8192, VDM_F_MEM_DURABLE);
		FUTURE_BUSY_POLL(&f);
		pc::op_complete(id, op);
		EXPECT_EQ(pc::violation_count(), skip ? 1u : 0u) << skip;
	}
	masync::dsa::test_skip_write_back = false;
	pc::clear_violations();
	data_mover_dml_delete(d);
}

} // namespace
