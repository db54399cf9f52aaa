/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Many threads on one map: 16 threads each issue 20,000 asynchronous 4 KiB
 * copies into their own slots of one map (through the map's default mover,
 * then through one shared threads mover), each verified when its future
 * completes; at the end every slot is checked through the mapping and with
 * pread(), and the persistence checker (when built in) reports nothing.
 *
 * Under ThreadSanitizer (MASYNC_TSAN) the count per thread is 2,000, and
 * under AddressSanitizer (MASYNC_SANITIZED) 5,000, to keep the sanitized CI
 * runs short; the shared threads-mover variant runs a tenth of the count.
 */
#include "async_fixture.hpp"

#include <atomic>
#include <thread>

using namespace async_test;

namespace
{

constexpr int nthreads = 16;
#if defined(MASYNC_TSAN)
constexpr int copies_per_thread = 2000;
#elif defined(MASYNC_SANITIZED)
constexpr int copies_per_thread = 5000;
#else
constexpr int copies_per_thread = 20000;
#endif
constexpr std::size_t block = 4096;
constexpr std::size_t slots_per_thread = 32;
constexpr std::size_t map_size = nthreads * slots_per_thread * block;

/* The pattern of copy i of thread t: every 8-byte word is distinct. */
void fill_pattern(std::uint64_t *w, int t, int i)
{
	for (std::size_t k = 0; k < block / 8; ++k)
		w[k] = (std::uint64_t(t) << 48) ^ (std::uint64_t(i) << 16) ^ k;
}

std::size_t slot_offset(int t, int i)
{
	return (std::size_t(t) * slots_per_thread + std::size_t(i) % slots_per_thread) * block;
}

/*
 * busy_poll: half the threads spin with FUTURE_BUSY_POLL instead of waiting
 * in a runtime (only where the work happens on the polling thread: spinning
 * threads would starve a threads mover's workers on a small machine).
 */
void run(pmem2_granularity g, struct vdm *v, int copies, bool busy_poll)
{
	masync::persistence_checker::clear_violations();
	shm_map m(map_size, g, v);
	ASSERT_NE(m.map(), nullptr);
	char *base = m.base();
	std::atomic<int> bad{0};
	std::vector<std::thread> threads;
	for (int t = 0; t < nthreads; ++t) {
		threads.emplace_back([&, t] {
			struct runtime *rt = (t % 2 || !busy_poll) ? runtime_new() : nullptr;
			alignas(64) std::uint64_t src[block / 8];
			for (int i = 0; i < copies; ++i) {
				fill_pattern(src, t, i);
				char *dest = base + slot_offset(t, i);
				/* Odd offsets now and then: unaligned copies too. */
				std::size_t skew = (i % 7 == 0) ? 8 : 0;
				auto f = pmem2_memcpy_async(m.map(), dest + skew,
				                            reinterpret_cast<char *>(src) + skew,
				                            block - skew, 0);
				if (rt)
					runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
				else
					FUTURE_BUSY_POLL(&f);
				if (FUTURE_OUTPUT(&f)->dest != dest + skew ||
				    std::memcmp(dest + skew, reinterpret_cast<char *>(src) + skew,
				                block - skew) != 0)
					bad++;
			}
			runtime_delete(rt);
		});
	}
	for (auto &th : threads)
		th.join();
	EXPECT_EQ(bad.load(), 0);

	/* Every slot holds the last copy made into it, in memory and in the file. */
	auto file = m.pread_range(0, map_size);
	alignas(64) std::uint64_t want[block / 8];
	for (int t = 0; t < nthreads; ++t) {
		for (std::size_t s = 0; s < slots_per_thread && s < std::size_t(copies); ++s) {
			int last =
			    copies - 1 - int((std::size_t(copies - 1) - s) % slots_per_thread);
			fill_pattern(want, t, last);
			std::size_t off = slot_offset(t, last);
			std::size_t skew = (last % 7 == 0) ? 8 : 0;
			ASSERT_EQ(std::memcmp(base + off + skew,
			                      reinterpret_cast<char *>(want) + skew, block - skew),
			          0)
			    << "thread " << t << " slot " << s;
			ASSERT_EQ(std::memcmp(file.data() + off + skew,
			                      reinterpret_cast<char *>(want) + skew, block - skew),
			          0)
			    << "file: thread " << t << " slot " << s;
		}
	}
	expect_no_violations();
}

TEST(async_mt, sixteen_threads_one_map_default_mover)
{
	run(PMEM2_GRANULARITY_CACHE_LINE, nullptr, copies_per_thread, true);
}

TEST(async_mt, sixteen_threads_one_map_shared_threads_mover)
{
	auto *dmt = data_mover_threads_new(2, 1024, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(dmt, nullptr);
	run(PMEM2_GRANULARITY_BYTE, data_mover_threads_get_vdm(dmt), copies_per_thread / 10, false);
	data_mover_threads_delete(dmt);
}

} // namespace
