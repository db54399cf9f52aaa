/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Failures of the async API are visible: an operation that cannot run (NULL
 * map or pointer, destination not inside the map, no operation record, the
 * mover failing it, a failed persist) completes with output.dest == NULL,
 * keeps the mover's result in the operation's output, sets pmem2_errormsg
 * (on the creating thread when known then, and on the completing thread),
 * writes nothing and persists nothing.
 */
#include "async_fixture.hpp"
#include "async_test_movers.hpp"

#include "common/test_hook.hpp"
#include "miniasync/data_mover_sync.hpp"
#include "pmem2/default_mover.hpp"
#include "pmem2/map.hpp"
#include "pmem2/persist.hpp"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace async_test;

namespace
{

constexpr std::size_t map_size = 1 << 20;

std::string errormsg()
{
	return pmem2_errormsg();
}

/* Polls fut to completion and asserts the failure is visible. */
void expect_failed(struct pmem2_future *fut, enum vdm_operation_result result)
{
	FUTURE_BUSY_POLL(fut);
	EXPECT_EQ(FUTURE_STATE(fut), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(FUTURE_OUTPUT(fut)->dest, nullptr);
	EXPECT_EQ(fut->data.op.fut.output.result, result);
	EXPECT_NE(errormsg(), "") << "no message on the completing thread";
}

class async_errors : public ::testing::TestWithParam<pmem2_granularity>
{
      protected:
	void SetUp() override
	{
		masync::persistence_checker::clear_violations();
		m = std::make_unique<shm_map>(map_size, GetParam(), nullptr);
		ASSERT_NE(m->map(), nullptr);
		std::memset(src, 'S', sizeof(src));
	}
	void TearDown() override { expect_no_violations(); }

	/* Nothing of [p, p + n) of the map was written (the file starts zeroed). */
	void expect_untouched(const char *p, std::size_t n)
	{
		for (std::size_t i = 0; i < n; ++i)
			ASSERT_EQ(p[i], 0) << "byte " << i << " was written";
	}

	std::unique_ptr<shm_map> m;
	char src[8192];
};

TEST_P(async_errors, null_map)
{
	char dst[16] = {};
	auto f = pmem2_memcpy_async(nullptr, dst, src, sizeof(dst), 0);
	EXPECT_NE(errormsg().find("NULL"), std::string::npos) << errormsg();
	expect_failed(&f, VDM_ERROR_JOB_CORRUPTED);
	for (char c : dst)
		EXPECT_EQ(c, 0);
	auto g = pmem2_memset_async(nullptr, dst, 1, sizeof(dst), 0);
	expect_failed(&g, VDM_ERROR_JOB_CORRUPTED);
	auto h = pmem2_memmove_async(nullptr, dst, src, sizeof(dst), 0);
	expect_failed(&h, VDM_ERROR_JOB_CORRUPTED);
}

TEST_P(async_errors, null_pointers)
{
	char *base = m->base();
	auto a = pmem2_memcpy_async(m->map(), nullptr, src, 64, 0);
	EXPECT_NE(errormsg().find("destination is NULL"), std::string::npos) << errormsg();
	expect_failed(&a, VDM_ERROR_JOB_CORRUPTED);
	auto b = pmem2_memcpy_async(m->map(), base, nullptr, 64, 0);
	EXPECT_NE(errormsg().find("source is NULL"), std::string::npos) << errormsg();
	expect_failed(&b, VDM_ERROR_JOB_CORRUPTED);
	auto c = pmem2_memmove_async(m->map(), base, nullptr, 64, 0);
	expect_failed(&c, VDM_ERROR_JOB_CORRUPTED);
	auto d = pmem2_memset_async(m->map(), nullptr, 7, 64, 0);
	expect_failed(&d, VDM_ERROR_JOB_CORRUPTED);
	expect_untouched(base, 64);
}

TEST_P(async_errors, destination_outside_the_map)
{
	char *base = m->base();
	char outside[128] = {};
	struct {
		char *dest;
		std::size_t len;
	} cases[] = {
	    {outside, sizeof(outside)},          /* another object entirely */
	    {base - 64, 64},                     /* just before */
	    {base - 1, 2},                       /* straddling the start */
	    {base + map_size - 10, 20},          /* straddling the end */
	    {base + map_size, 1},                /* just after */
	    {base + 64, SIZE_MAX},               /* length overflowing */
	    {base + map_size - 1, SIZE_MAX - 5}, /* end wrapping around */
	};
	for (auto &c : cases) {
		SCOPED_TRACE(::testing::Message()
		             << "dest " << static_cast<void *>(c.dest) << " len " << c.len);
		auto f = pmem2_memcpy_async(m->map(), c.dest, src, c.len, 0);
		EXPECT_NE(errormsg().find("not inside the map"), std::string::npos) << errormsg();
		expect_failed(&f, VDM_ERROR_JOB_CORRUPTED);
		auto g = pmem2_memset_async(m->map(), c.dest, 1, c.len, 0);
		expect_failed(&g, VDM_ERROR_JOB_CORRUPTED);
	}
	expect_untouched(base, 64);
	expect_untouched(base + map_size - 10, 10);
	for (char c : outside)
		EXPECT_EQ(c, 0);

	/* The very end of the map, with nothing to write, is fine. */
	auto ok = pmem2_memcpy_async(m->map(), base + map_size, src, 0, 0);
	FUTURE_BUSY_POLL(&ok);
	EXPECT_EQ(FUTURE_OUTPUT(&ok)->dest, base + map_size);
	auto last = pmem2_memset_async(m->map(), base + map_size - 1, 'x', 1, 0);
	FUTURE_BUSY_POLL(&last);
	EXPECT_EQ(FUTURE_OUTPUT(&last)->dest, base + map_size - 1);
	EXPECT_EQ(base[map_size - 1], 'x');
}

/* A failure known at creation is also reported to another thread that completes it. */
TEST_P(async_errors, the_completing_thread_gets_the_message)
{
	auto f = pmem2_memcpy_async(m->map(), nullptr, src, 8, 0);
	std::string theirs;
	std::thread([&] {
		FUTURE_BUSY_POLL(&f);
		theirs = pmem2_errormsg();
	}).join();
	EXPECT_EQ(FUTURE_OUTPUT(&f)->dest, nullptr);
	EXPECT_NE(theirs.find("destination is NULL"), std::string::npos) << theirs;
}

/* Refused operations run neither the mover nor any persist step. */
TEST_P(async_errors, refused_operations_persist_nothing)
{
	scripted_mover mv(script::correct);
	shm_map other(map_size, GetParam(), mv.vdm());
	ASSERT_NE(other.map(), nullptr);
	masync::test_hook::start();
	auto f = pmem2_memcpy_async(other.map(), other.base() + map_size, src, 64, 0);
	FUTURE_BUSY_POLL(&f);
	auto counts = masync::test_hook::stop();
	EXPECT_EQ(FUTURE_OUTPUT(&f)->dest, nullptr);
	EXPECT_EQ(mv.started, 0);
	EXPECT_EQ(counts.flushes, 0u);
	EXPECT_EQ(counts.fences, 0u);
	EXPECT_EQ(counts.syncs, 0u);
}

/*
 * The map's default mover keeps no per-operation record, so it cannot run
 * out: 20,000 futures created before any is polled all succeed, polled in
 * reverse order; and its operation entry, driven on its own as a vdm future
 * (the generic chain then takes over), works too.
 */
TEST_P(async_errors, default_mover_never_runs_out)
{
	shm_map fresh(map_size, GetParam(), nullptr);
	ASSERT_NE(fresh.map(), nullptr);
	char *base = fresh.base();
	constexpr std::size_t n = 20000;
	std::vector<pmem2_future> futs;
	futs.reserve(n);
	for (std::size_t i = 0; i < n; ++i)
		futs.push_back(pmem2_memset_async(fresh.map(), base + i * 8, int(i % 251), 8, 0));
	EXPECT_EQ(errormsg(), "");
	for (std::size_t i = n; i-- > 0;) {
		FUTURE_BUSY_POLL(&futs[i]);
		ASSERT_EQ(FUTURE_OUTPUT(&futs[i])->dest, base + i * 8);
		ASSERT_EQ(futs[i].data.op.fut.output.result, VDM_SUCCESS);
	}
	for (std::size_t i = 0; i < n; ++i)
		ASSERT_EQ(static_cast<unsigned char>(base[i * 8 + 7]), i % 251) << i;

	auto f = pmem2_memcpy_async(fresh.map(), base + 100, src, 100, 0);
	FUTURE_BUSY_POLL(&f.data.op.fut); /* the operation entry alone */
	EXPECT_EQ(f.data.op.fut.output.output.memcpy.dest, base + 100);
	EXPECT_EQ(std::memcmp(base + 100, src, 100), 0);
	FUTURE_BUSY_POLL(&f); /* the rest of the chain */
	EXPECT_EQ(FUTURE_OUTPUT(&f)->dest, base + 100);
}

/*
 * After the fast path, the future looks exactly as the generic chain leaves
 * it: both entries COMPLETE and processed, the operation's output filled.
 */
TEST_P(async_errors, default_mover_future_is_left_as_a_chain_leaves_it)
{
	shm_map fresh(map_size, GetParam(), nullptr);
	ASSERT_NE(fresh.map(), nullptr);
	auto f = pmem2_memmove_async(fresh.map(), fresh.base() + 64, src, 256, 0);
	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_IDLE);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(FUTURE_STATE(&f.data.op.fut), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(FUTURE_STATE(&f.data.fin.fut.persist), FUTURE_STATE_COMPLETE);
	EXPECT_TRUE(
	    FUTURE_CHAIN_ENTRY_IS_PROCESSED(reinterpret_cast<future_chain_entry *>(&f.data.op)));
	EXPECT_TRUE(
	    FUTURE_CHAIN_ENTRY_IS_PROCESSED(reinterpret_cast<future_chain_entry *>(&f.data.fin)));
	EXPECT_EQ(f.data.op.fut.output.type, VDM_OPERATION_MEMMOVE);
	EXPECT_EQ(f.data.op.fut.output.result, VDM_SUCCESS);
	EXPECT_EQ(f.data.op.fut.output.output.memmove.dest, fresh.base() + 64);
	EXPECT_EQ(FUTURE_OUTPUT(&f)->dest, fresh.base() + 64);
}

/* The same through a user's mover that runs out of records. */
TEST_P(async_errors, user_mover_out_of_records)
{
	auto *dms = masync::detail::data_mover_sync_new_capacity(1);
	ASSERT_NE(dms, nullptr);
	{
		shm_map um(map_size, GetParam(), data_mover_sync_get_vdm(dms));
		ASSERT_NE(um.map(), nullptr);
		auto a = pmem2_memcpy_async(um.map(), um.base(), src, 64, 0);
		auto b = pmem2_memcpy_async(um.map(), um.base() + 64, src, 64, 0);
		expect_failed(&b, VDM_ERROR_OUT_OF_MEMORY);
		expect_untouched(um.base() + 64, 64);
		FUTURE_BUSY_POLL(&a);
		EXPECT_EQ(FUTURE_OUTPUT(&a)->dest, um.base());
	}
	data_mover_sync_delete(dms);
}

/* A mover that fails the operation: its result is kept, no persist follows. */
TEST_P(async_errors, mover_failure_is_kept_and_not_persisted)
{
	scripted_mover mv(script::fail, 0); /* no capability: the finalizer would persist */
	shm_map fm(map_size, GetParam(), mv.vdm());
	ASSERT_NE(fm.map(), nullptr);
	masync::test_hook::start();
	auto f = pmem2_memcpy_async(fm.map(), fm.base(), src, 4096, 0);
	EXPECT_EQ(errormsg(), ""); /* nothing known yet */
	FUTURE_BUSY_POLL(&f);
	auto counts = masync::test_hook::stop();
	EXPECT_EQ(mv.started, 1);
	EXPECT_EQ(FUTURE_OUTPUT(&f)->dest, nullptr);
	EXPECT_EQ(f.data.op.fut.output.result, VDM_ERROR_JOB_CORRUPTED);
	EXPECT_NE(errormsg().find("could not carry the operation out"), std::string::npos)
	    << errormsg();
	EXPECT_EQ(counts.flushes, 0u);
	EXPECT_EQ(counts.fences, 0u);
	EXPECT_EQ(counts.syncs, 0u);
}

INSTANTIATE_TEST_SUITE_P(all, async_errors,
                         ::testing::Values(PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE,
                                           PMEM2_GRANULARITY_PAGE),
                         [](const auto &p) { return std::string(granularity_env(p.param)); });

/* A persist that fails (an msync error at PAGE granularity) fails the future. */
std::atomic<int> persist_calls{0};

/* Fails as sync_pages does when msync fails: counted for the thread, errno set. */
void failing_persist(const void *, std::size_t)
{
	persist_calls++;
	masync::pmem2::sync_failures.count++;
	masync::pmem2::sync_failures.last_error = EIO;
	errno = EIO;
}

TEST(async_errors_page, failed_persist_fails_the_future)
{
	auto *dms = data_mover_sync_new();
	ASSERT_NE(dms, nullptr);
	{
		shm_map pm(map_size, PMEM2_GRANULARITY_PAGE, data_mover_sync_get_vdm(dms));
		ASSERT_NE(pm.map(), nullptr);
		/* A private copy of the map whose persist function fails. */
		struct pmem2_map broken = *pm.map();
		broken.persist_fn = failing_persist;
		char buf[256];
		std::memset(buf, 'p', sizeof(buf));
		errno = 0;
		auto f = pmem2_memcpy_async(&broken, pm.base(), buf, sizeof(buf), 0);
		FUTURE_BUSY_POLL(&f);
		EXPECT_EQ(persist_calls.load(), 1);
		EXPECT_EQ(FUTURE_OUTPUT(&f)->dest, nullptr);
		EXPECT_EQ(f.data.op.fut.output.result, VDM_SUCCESS); /* the copy itself ran */
		EXPECT_NE(errormsg().find("failed"), std::string::npos) << errormsg();
		EXPECT_EQ(errno, 0) << "errno of the caller must be left alone";
	}
	data_mover_sync_delete(dms);
}

} // namespace
