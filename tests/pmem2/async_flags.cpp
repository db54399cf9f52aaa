/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * What each future asks of its mover and does afterwards:
 *   - the default mover runs the caller's PMEM2_F_MEM_* flags as the map's
 *     memory functions do (made durable), supports flush and advertises
 *     VDM_F_MEM_DURABLE;
 *   - another mover gets VDM_F_NO_CACHE_HINT for NONTEMPORAL/WC when it
 *     supports it, VDM_F_MEM_DURABLE only where cache-line write-backs are the
 *     persistence mechanism (CACHE_LINE), and nothing else;
 *   - the durability work per granularity is exactly what is needed,
 *     counted with the write-back/fence test hook: no needless flush or
 *     fence, and a fence at BYTE granularity.
 */
#include "async_fixture.hpp"
#include "async_test_movers.hpp"

#include "common/kernels.hpp"
#include "common/test_hook.hpp"
#include "pmem2/map.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

using namespace async_test;

namespace
{

constexpr std::size_t map_size = 1 << 20;

const unsigned all_flags[] = {
    0,
    PMEM2_F_MEM_NODRAIN,
    PMEM2_F_MEM_NONTEMPORAL,
    PMEM2_F_MEM_TEMPORAL,
    PMEM2_F_MEM_WC,
    PMEM2_F_MEM_WB,
    PMEM2_F_MEM_NOFLUSH,
    PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN,
    PMEM2_F_MEM_VALID_FLAGS,
};

class async_flags : public ::testing::TestWithParam<pmem2_granularity>
{
      protected:
	void SetUp() override { masync::persistence_checker::clear_violations(); }
	void TearDown() override { expect_no_violations(); }
	char src[8192] = {1, 2, 3};
};

/* The write-backs, fences and msyncs f() makes. */
template <typename F> masync::test_hook::counts work_of(F f)
{
	masync::test_hook::start();
	f();
	return masync::test_hook::stop();
}

void expect_same_work(const masync::test_hook::counts &got, const masync::test_hook::counts &want)
{
	EXPECT_EQ(got.flushes, want.flushes);
	EXPECT_EQ(got.fences, want.fences);
	EXPECT_EQ(got.syncs, want.syncs);
}

/*
 * The default mover runs each operation through the operation core, with
 * the map's granularity choosing the kernel and its flags: for every
 * caller's flag, a future does the write-backs, fences and msyncs of the
 * map's own function with the same flags, plus what makes the data durable
 * (the fence NODRAIN skipped, the persist NOFLUSH skipped), and no more.
 */
TEST_P(async_flags, default_mover_does_what_the_maps_functions_do)
{
	shm_map m(map_size, GetParam(), nullptr);
	ASSERT_NE(m.map(), nullptr);
	EXPECT_TRUE(m.map()->vdm_owned);
	EXPECT_TRUE(vdm_is_supported(m.map()->vdm, VDM_F_MEM_DURABLE));
	struct pmem2_map *map = m.map();
	char *d = m.base() + 8192;
	for (std::size_t len : {std::size_t(64), std::size_t(1000), std::size_t(8192)}) {
		for (unsigned f : all_flags) {
			SCOPED_TRACE(::testing::Message() << len << " bytes, flags " << f);
			const unsigned sync_f = f & ~PMEM2_F_MEM_NODRAIN;
			auto finish = [&](const char *dest) {
				if (f & PMEM2_F_MEM_NOFLUSH)
					map->persist_fn(dest, len);
			};
			expect_same_work(work_of([&] {
				                 auto a = pmem2_memcpy_async(map, d, src, len, f);
				                 FUTURE_BUSY_POLL(&a);
				                 EXPECT_EQ(FUTURE_OUTPUT(&a)->dest, d);
			                 }),
			                 work_of([&] {
				                 map->memcpy_fn(d, src, len, sync_f);
				                 finish(d);
			                 }));
			EXPECT_EQ(std::memcmp(d, src, len), 0);
			expect_same_work(work_of([&] {
				                 auto b =
				                     pmem2_memmove_async(map, d + 8, d, len, f);
				                 FUTURE_BUSY_POLL(&b);
			                 }),
			                 work_of([&] {
				                 map->memmove_fn(d + 8, d, len, sync_f);
				                 finish(d + 8);
			                 }));
			expect_same_work(work_of([&] {
				                 auto c = pmem2_memset_async(map, d, 3, len, f);
				                 FUTURE_BUSY_POLL(&c);
			                 }),
			                 work_of([&] {
				                 map->memset_fn(d, 3, len, sync_f);
				                 finish(d);
			                 }));
			EXPECT_EQ(d[len - 1], 3);
		}
	}
	/* Flags libpmem2 does not know are ignored. */
	expect_same_work(work_of([&] {
		                 auto e =
		                     pmem2_memcpy_async(map, d, src, 64, 1u << 20 | PMEM2_F_MEM_WC);
		                 FUTURE_BUSY_POLL(&e);
	                 }),
	                 work_of([&] { map->memcpy_fn(d, src, 64, PMEM2_F_MEM_WC); }));
}

TEST_P(async_flags, default_mover_supports_flush)
{
	shm_map m(map_size, GetParam(), nullptr);
	ASSERT_NE(m.map(), nullptr);
	std::memset(m.base(), 7, 4096);
	masync::test_hook::start();
	auto f = vdm_flush(m.map()->vdm, m.base(), 4096, VDM_F_MEM_DURABLE);
	FUTURE_BUSY_POLL(&f);
	auto counts = masync::test_hook::stop();
	EXPECT_EQ(f.output.result, VDM_SUCCESS);
	EXPECT_EQ(f.output.type, VDM_OPERATION_FLUSH);
	switch (GetParam()) {
	case PMEM2_GRANULARITY_CACHE_LINE:
		EXPECT_EQ(counts.flushes, 64u);
		EXPECT_EQ(counts.fences, 1u);
		break;
	case PMEM2_GRANULARITY_BYTE:
		EXPECT_EQ(counts.flushes, 0u);
		EXPECT_EQ(counts.fences, 1u);
		break;
	case PMEM2_GRANULARITY_PAGE:
		EXPECT_EQ(counts.flushes, 0u);
		EXPECT_EQ(counts.fences, 0u);
		break;
	}
}

/* vdm flags another mover receives, for each caller's flag. */
TEST_P(async_flags, other_movers_get_only_what_they_support)
{
	auto g = GetParam();
	auto *dms = data_mover_sync_new();
	auto *dmt = data_mover_threads_new(1, 64, FUTURE_NOTIFIER_NONE);
	ASSERT_TRUE(dms && dmt);
	for (struct vdm *inner : {data_mover_sync_get_vdm(dms), data_mover_threads_get_vdm(dmt)}) {
		recording_mover rec(inner);
		shm_map m(map_size, g, rec.vdm());
		ASSERT_NE(m.map(), nullptr);
		EXPECT_FALSE(m.map()->vdm_owned);
		const bool hint = vdm_is_supported(inner, VDM_F_NO_CACHE_HINT);
		const std::uint64_t durable =
		    g == PMEM2_GRANULARITY_CACHE_LINE ? VDM_F_MEM_DURABLE : 0;
		for (unsigned f : all_flags) {
			auto a = pmem2_memcpy_async(m.map(), m.base(), src, 4096, f);
			FUTURE_BUSY_POLL(&a);
			EXPECT_EQ(FUTURE_OUTPUT(&a)->dest, m.base());
			ASSERT_EQ(rec.flags.size(), 1u);
			std::uint64_t want = durable;
			if (hint && (f & (PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_WC)))
				want |= VDM_F_NO_CACHE_HINT;
			EXPECT_EQ(rec.flags[0], want) << "caller's flags " << f;
			rec.flags.clear();
		}
	}
	data_mover_threads_delete(dmt);
	data_mover_sync_delete(dms);
}

/*
 * The persistence work of one aligned 4 KiB copy: exactly one write-back per
 * line where lines must be written back, one fence where one is needed,
 * none at PAGE granularity (msync does the job).
 */
TEST_P(async_flags, durability_work_is_exactly_what_is_needed)
{
	auto g = GetParam();
	auto *dms = data_mover_sync_new();
	ASSERT_NE(dms, nullptr);
	for (int which = 0; which < 2; ++which) {
		shm_map m(map_size, g, which == 0 ? nullptr : data_mover_sync_get_vdm(dms));
		ASSERT_NE(m.map(), nullptr);
		/* TEMPORAL: streaming stores would need no write-back, and are counted apart. */
		for (unsigned f : {unsigned(PMEM2_F_MEM_TEMPORAL),
		                   unsigned(PMEM2_F_MEM_TEMPORAL | PMEM2_F_MEM_NODRAIN),
		                   unsigned(PMEM2_F_MEM_TEMPORAL | PMEM2_F_MEM_NOFLUSH)}) {
			SCOPED_TRACE(::testing::Message()
			             << (which == 0 ? "default" : "sync") << " mover, flags " << f);
			masync::test_hook::start();
			auto a = pmem2_memcpy_async(m.map(), m.base() + 8192, src, 4096, f);
			FUTURE_BUSY_POLL(&a);
			auto counts = masync::test_hook::stop();
			EXPECT_EQ(FUTURE_OUTPUT(&a)->dest, m.base() + 8192);
			switch (g) {
			case PMEM2_GRANULARITY_CACHE_LINE:
				/*
				 * The sync mover gets VDM_F_MEM_DURABLE only (not the
				 * caller's TEMPORAL): the operation core's kernels
				 * stream from their threshold on, which needs no
				 * write-back.
				 */
				EXPECT_EQ(counts.flushes,
				          which == 1 &&
				                  masync::mem::stores_nt(4096, masync::mem::nodrain)
				              ? 0u
				              : 64u);
				EXPECT_EQ(counts.fences, 1u);
				break;
			case PMEM2_GRANULARITY_BYTE:
				EXPECT_EQ(counts.flushes, 0u);
				EXPECT_EQ(counts.fences, 1u);
				break;
			case PMEM2_GRANULARITY_PAGE:
				EXPECT_EQ(counts.flushes, 0u);
				EXPECT_EQ(counts.fences, 0u);
				break;
			}
		}
	}
	data_mover_sync_delete(dms);
}

/* A custom memcpy that is not libpmem2's: the threads mover must write its range back. */
void *plain_memcpy(void *d, const void *s, std::size_t n, unsigned)
{
	return std::memcpy(d, s, n);
}

/*
 * The threads mover running the map's own memcpy, declared durable with
 * DATA_MOVER_THREADS_FN_DURABLE, does no second pass over the range: at
 * CACHE_LINE granularity the lines written back are those the map's
 * function writes back itself (256 B: temporal stores, one per line; 4 KiB:
 * streaming stores, none), where a second pass would double them or add one
 * per line. A function set without the flag still gets one per line.
 */
TEST_P(async_flags, threads_mover_trusts_only_functions_declared_durable)
{
	auto g = GetParam();
	auto *dmt = data_mover_threads_new(1, 64, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(dmt, nullptr);
	auto *rt = runtime_new();
	{
		shm_map m(map_size, g, data_mover_threads_get_vdm(dmt));
		ASSERT_NE(m.map(), nullptr);
		for (std::size_t len : {std::size_t(256), std::size_t(4096)}) {
			for (int foreign = 0; foreign < 2; ++foreign) {
				SCOPED_TRACE(::testing::Message()
				             << (foreign ? "plain memcpy, " : "the map's memcpy, ")
				             << len << " bytes");
				ASSERT_EQ(data_mover_threads_set_memcpy_fn_flags(
				              dmt,
				              foreign ? plain_memcpy : pmem2_get_memcpy_fn(m.map()),
				              foreign ? 0u : DATA_MOVER_THREADS_FN_DURABLE),
				          0);
				masync::test_hook::start();
				auto a = pmem2_memcpy_async(m.map(), m.base() + 8192, src, len, 0);
				runtime_wait(rt, FUTURE_AS_RUNNABLE(&a));
				auto counts = masync::test_hook::stop();
				EXPECT_EQ(FUTURE_OUTPUT(&a)->dest, m.base() + 8192);
				EXPECT_EQ(std::memcmp(m.base() + 8192, src, len), 0);
				std::uint64_t lines = len / 64;
				std::uint64_t expected = 0;
				/* Only CACHE_LINE asks the mover for VDM_F_MEM_DURABLE. */
				if (g == PMEM2_GRANULARITY_CACHE_LINE)
					expected = foreign || !masync::mem::stores_nt(
					                          len, PMEM2_F_MEM_NODRAIN)
					               ? lines
					               : 0;
				EXPECT_EQ(counts.flushes, expected);
			}
		}
	}
	runtime_delete(rt);
	data_mover_threads_delete(dmt);
}

/*
 * Durability belongs to a function and the map it writes to: a BYTE map's
 * memmove never writes back, so set on a threads mover that serves a
 * CACHE_LINE map it must not let the mover skip its write-back of a
 * VDM_F_MEM_DURABLE operation. Every line of the destination is written back.
 */
TEST(async_flags_foreign, byte_map_function_on_a_cache_line_map_is_written_back)
{
	masync::persistence_checker::clear_violations();
	auto *dmt = data_mover_threads_new(1, 64, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(dmt, nullptr);
	auto *rt = runtime_new();
	{
		shm_map byte_map(map_size, PMEM2_GRANULARITY_BYTE, nullptr);
		shm_map line_map(map_size, PMEM2_GRANULARITY_CACHE_LINE,
		                 data_mover_threads_get_vdm(dmt));
		ASSERT_NE(byte_map.map(), nullptr);
		ASSERT_NE(line_map.map(), nullptr);
		ASSERT_EQ(pmem2_map_get_store_granularity(line_map.map()),
		          PMEM2_GRANULARITY_CACHE_LINE);
		data_mover_threads_set_memmove_fn(dmt, pmem2_get_memmove_fn(byte_map.map()));
		char src[256];
		std::memset(src, 0x5a, sizeof(src));
		masync::test_hook::start();
		auto a = pmem2_memmove_async(line_map.map(), line_map.base() + 8192, src,
		                             sizeof(src), 0);
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&a));
		auto counts = masync::test_hook::stop();
		EXPECT_EQ(FUTURE_OUTPUT(&a)->dest, line_map.base() + 8192);
		EXPECT_EQ(std::memcmp(line_map.base() + 8192, src, sizeof(src)), 0);
		EXPECT_EQ(counts.flushes, sizeof(src) / 64)
		    << "the destination was not written back";
		EXPECT_GE(counts.fences, 1u);
	}
	runtime_delete(rt);
	data_mover_threads_delete(dmt);
	expect_no_violations();
}

/* The opt-in rejects what it does not know and changes nothing then. */
TEST(async_flags_foreign, fn_flags_are_validated)
{
	auto *dmt = data_mover_threads_new(1, 64, FUTURE_NOTIFIER_NONE);
	ASSERT_NE(dmt, nullptr);
	EXPECT_EQ(data_mover_threads_set_memcpy_fn_flags(dmt, plain_memcpy, 2u), EINVAL);
	EXPECT_EQ(data_mover_threads_set_memmove_fn_flags(nullptr, nullptr, 0u), EINVAL);
	EXPECT_EQ(data_mover_threads_set_memset_fn_flags(dmt, nullptr, ~0u), EINVAL);
	EXPECT_EQ(data_mover_threads_set_memset_fn_flags(dmt, nullptr, 0u), 0);
	char buf[64] = {};
	char src[64];
	std::memset(src, 9, sizeof(src));
	auto f = vdm_memcpy(data_mover_threads_get_vdm(dmt), buf, src, sizeof(buf), 0);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(std::memcmp(buf, src, sizeof(buf)), 0); /* the mover's own memcpy */
	data_mover_threads_delete(dmt);
}

INSTANTIATE_TEST_SUITE_P(all, async_flags,
                         ::testing::Values(PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE,
                                           PMEM2_GRANULARITY_PAGE),
                         [](const auto &p) { return std::string(granularity_env(p.param)); });

} // namespace
