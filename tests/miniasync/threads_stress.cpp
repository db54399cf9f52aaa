/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Stress test of the threads mover: random kinds (memcpy, memmove with
 * overlap, memset, flush), sizes (0 B to 4 MiB), alignments and flags, from
 * several submitting threads onto several movers (shared ones with
 * different notifiers and queue sizes, and per-thread ones that are deleted
 * and re-created all the time), plus a thread that deletes movers while
 * their operations are still queued. Every byte of every destination is
 * checked against a reference computed with the C library, including the
 * bytes between operations (nothing written twice, out of place or not at
 * all).
 *
 *   MASYNC_THREADS_STRESS_OPS=N   total operations (default: 30000; fewer
 *                                 under sanitizers). The long run of the
 *                                 acceptance criteria:
 *   MASYNC_THREADS_STRESS_OPS=1000000 build/tests/miniasync/miniasync_threads_stress
 */

#include "threads_common.hpp"
#include "common/futex.hpp"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

using namespace threads_test;

namespace
{

#if defined(MASYNC_TSAN)
constexpr std::uint64_t default_ops = 4000;
#elif defined(MASYNC_SANITIZED)
constexpr std::uint64_t default_ops = 10000;
#else
constexpr std::uint64_t default_ops = 30000;
#endif

std::uint64_t total_ops()
{
	const char *v = std::getenv("MASYNC_THREADS_STRESS_OPS");
	if (v != nullptr && *v != '\0')
		return std::strtoull(v, nullptr, 0);
	return default_ops;
}

constexpr std::size_t max_op = std::size_t(4) << 20;
constexpr std::size_t arena_size = 2 * max_op + (std::size_t(1) << 20);
constexpr int max_batch = 24;

void fill_random(std::vector<unsigned char> &v, std::uint64_t seed)
{
	std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	for (std::size_t i = 0; i < v.size(); i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		std::memcpy(v.data() + i, &x, v.size() - i < 8 ? v.size() - i : 8);
	}
}

std::size_t random_size(std::mt19937_64 &rng)
{
	unsigned r = static_cast<unsigned>(rng() % 1000);
	auto between = [&](std::size_t lo, std::size_t hi) { return lo + rng() % (hi - lo + 1); };
	if (r < 20)
		return 0;
	if (r < 600)
		return between(1, 256);
	if (r < 850)
		return between(257, 8192);
	if (r < 990)
		return between(8193, 256 * 1024);
	return between(256 * 1024 + 1, max_op);
}

/* A waiter for a batch: wakers bump a futex word; POLLER words are checked each pass. */
struct batch_waiter {
	std::atomic<std::uint32_t> seq{0};
	static void wake(void *p)
	{
		auto *w = static_cast<batch_waiter *>(p);
		w->seq.fetch_add(1, std::memory_order_seq_cst);
		masync::futex_wake_all(&w->seq);
	}
};

struct op_desc {
	enum vdm_operation_type type;
	std::size_t dst_off, src_off, n;
	int c;
	std::uint64_t flags;
	data_mover_threads *mover;
};

enum future_notifier_type random_notifier(std::mt19937_64 &rng)
{
	switch (rng() % 3) {
	case 0:
		return FUTURE_NOTIFIER_NONE;
	case 1:
		return FUTURE_NOTIFIER_WAKER;
	default:
		return FUTURE_NOTIFIER_POLLER;
	}
}

data_mover_threads *random_mover(std::mt19937_64 &rng)
{
	std::size_t inline_max = rng() % 2 ? 0 : 256;
	return make_mover(1 + rng() % 3, 1 + rng() % 64, random_notifier(rng), 16384, inline_max);
}

struct result {
	std::uint64_t ops = 0;
	std::uint64_t bad_bytes = 0;
	std::uint64_t oom = 0;
	std::uint64_t movers_made = 0;
};

/* One submitting thread: batches of random operations, each batch fully checked. */
void submitter(int id, std::uint64_t quota, data_mover_threads *const *shared, int nshared,
               result *res)
{
	std::mt19937_64 rng(0x5eed0000u + static_cast<unsigned>(id));
	std::vector<unsigned char> src(arena_size), background(arena_size), dst(arena_size),
	    ref(arena_size);
	fill_random(src, 1000 + static_cast<std::uint64_t>(id));
	fill_random(background, 2000 + static_cast<std::uint64_t>(id));

	data_mover_threads *own = random_mover(rng);
	res->movers_made++;
	std::vector<op_desc> ops;
	std::vector<vdm_operation_future> futs;
	std::uint64_t batch_no = 0;
	while (res->ops < quota) {
		/* Lay out a batch of operations in disjoint places of the destination arena. */
		ops.clear();
		std::size_t used = 0;
		int want = 1 + static_cast<int>(rng() % max_batch);
		while (static_cast<int>(ops.size()) < want) {
			op_desc d{};
			unsigned k = static_cast<unsigned>(rng() % 10);
			d.type = k < 4   ? VDM_OPERATION_MEMCPY
			         : k < 7 ? VDM_OPERATION_MEMMOVE
			         : k < 9 ? VDM_OPERATION_MEMSET
			                 : VDM_OPERATION_FLUSH;
			d.n = random_size(rng);
			std::size_t gap = rng() % 130;
			std::size_t extra = d.type == VDM_OPERATION_MEMMOVE ? 1 + rng() % 4096 : 0;
			if (used + gap + d.n + extra > arena_size)
				break;
			d.dst_off = used + gap;
			/* memmove: the source overlaps the destination within [dst_off, +n+extra).
			 */
			if (d.type == VDM_OPERATION_MEMMOVE) {
				if (rng() % 2)
					d.src_off = d.dst_off + extra; /* move down */
				else {
					d.src_off = d.dst_off;
					d.dst_off += extra; /* move up */
				}
			} else {
				d.src_off = rng() % (arena_size - d.n + 1);
			}
			used = d.dst_off + d.n + (d.type == VDM_OPERATION_MEMMOVE ? extra : 0);
			d.c = static_cast<int>(rng() % 256);
			d.flags = rng() % 4; /* any combination of the two flags */
			int which = static_cast<int>(rng() % (nshared + 1));
			d.mover = which == nshared ? own : shared[which];
			ops.push_back(d);
		}
		if (ops.empty())
			continue;
		std::size_t extent = used + 64 < arena_size ? used + 64 : arena_size;
		std::memcpy(dst.data(), background.data(), extent);
		std::memcpy(ref.data(), background.data(), extent);

		futs.clear();
		for (const op_desc &d : ops) {
			struct vdm *vdm = data_mover_threads_get_vdm(d.mover);
			unsigned char *base = dst.data();
			switch (d.type) {
			case VDM_OPERATION_MEMCPY:
				futs.push_back(vdm_memcpy(vdm, base + d.dst_off,
				                          src.data() + d.src_off, d.n, d.flags));
				std::memcpy(ref.data() + d.dst_off, src.data() + d.src_off, d.n);
				break;
			case VDM_OPERATION_MEMMOVE:
				futs.push_back(vdm_memmove(vdm, base + d.dst_off, base + d.src_off,
				                           d.n, d.flags));
				std::memmove(ref.data() + d.dst_off, ref.data() + d.src_off, d.n);
				break;
			case VDM_OPERATION_MEMSET:
				futs.push_back(
				    vdm_memset(vdm, base + d.dst_off, d.c, d.n, d.flags));
				std::memset(ref.data() + d.dst_off, d.c, d.n);
				break;
			case VDM_OPERATION_FLUSH:
				futs.push_back(vdm_flush(vdm, base + d.dst_off, d.n, d.flags));
				break;
			}
		}

		/* Run the batch to completion: sleep on the waker, re-poll on time-out. */
		batch_waiter w;
		struct future_notifier n {
		};
		n.waker.data = &w;
		n.waker.wake = batch_waiter::wake;
		std::size_t done = 0;
		std::vector<bool> finished(futs.size(), false);
		while (done < futs.size()) {
			std::uint32_t seq = w.seq.load(std::memory_order_seq_cst);
			for (std::size_t i = 0; i < futs.size(); ++i) {
				if (finished[i])
					continue;
				if (future_poll(FUTURE_AS_RUNNABLE(&futs[i]), &n) ==
				    FUTURE_STATE_COMPLETE) {
					finished[i] = true;
					++done;
					if (FUTURE_OUTPUT(&futs[i])->result != VDM_SUCCESS)
						res->oom++;
				}
			}
			if (done < futs.size())
				masync::futex_wait(&w.seq, seq, 200000);
		}
		for (std::size_t i = 0; i < extent; ++i)
			if (dst[i] != ref[i])
				res->bad_bytes++;
		res->ops += ops.size();

		/* Now and then, replace the private mover (others keep running meanwhile). */
		if (++batch_no % 8 == 0) {
			data_mover_threads_delete(own);
			own = random_mover(rng);
			res->movers_made++;
		}
	}
	data_mover_threads_delete(own);
}

/*
 * Creates movers, queues operations on them (one poll each: started or left
 * IDLE by a full queue) and deletes the mover at once: every started one
 * must have run, those left IDLE must not have.
 */
void deleter(std::uint64_t rounds, result *res)
{
	std::mt19937_64 rng(0xde1e7e);
	std::vector<unsigned char> src(256 * 1024), dst(256 * 1024);
	fill_random(src, 77);
	for (std::uint64_t r = 0; r < rounds; ++r) {
		data_mover_threads *m =
		    make_mover(1 + rng() % 2, 1 + rng() % 16, random_notifier(rng), 64, 0);
		res->movers_made++;
		struct vdm *vdm = data_mover_threads_get_vdm(m);
		std::memset(dst.data(), 0, dst.size());
		int count = 1 + static_cast<int>(rng() % 32);
		std::size_t piece = dst.size() / 32;
		std::vector<vdm_operation_future> futs;
		std::vector<bool> started;
		for (int i = 0; i < count; ++i) {
			futs.push_back(vdm_memcpy(vdm, dst.data() + i * piece,
			                          src.data() + i * piece, piece, 0));
			started.push_back(future_poll(FUTURE_AS_RUNNABLE(&futs.back()), nullptr) !=
			                  FUTURE_STATE_IDLE);
		}
		data_mover_threads_delete(m);
		for (int i = 0; i < count; ++i) {
			const unsigned char *want = started[i] ? src.data() + i * piece : nullptr;
			for (std::size_t b = 0; b < piece; ++b)
				if (dst[i * piece + b] != (want ? want[b] : 0))
					res->bad_bytes++;
		}
		res->ops += static_cast<std::uint64_t>(count);
	}
}

} // namespace

TEST(threads_stress, random_operations_every_byte_checked)
{
	const std::uint64_t ops = total_ops();
	data_mover_threads *shared[3] = {
	    make_mover(2, 8, FUTURE_NOTIFIER_WAKER),
	    make_mover(3, 64, FUTURE_NOTIFIER_POLLER, 16384, 0),
	    make_mover(2, 2, FUTURE_NOTIFIER_NONE),
	};
	for (auto *m : shared)
		ASSERT_NE(m, nullptr);

	constexpr int nsubmitters = 3;
	result res[nsubmitters + 1];
	std::vector<std::thread> threads;
	for (int t = 0; t < nsubmitters; ++t)
		threads.emplace_back(submitter, t, ops / nsubmitters, shared, 3, &res[t]);
	threads.emplace_back(deleter, ops / 2000 + 5, &res[nsubmitters]);
	for (auto &t : threads)
		t.join();
	for (auto *m : shared)
		data_mover_threads_delete(m);

	result sum;
	for (auto &r : res) {
		sum.ops += r.ops;
		sum.bad_bytes += r.bad_bytes;
		sum.oom += r.oom;
		sum.movers_made += r.movers_made;
	}
	std::printf("threads_stress: %" PRIu64 " operations, %" PRIu64
	            " movers created and deleted, "
	            "%" PRIu64 " bad bytes\n",
	            sum.ops, sum.movers_made, sum.bad_bytes);
	EXPECT_GE(sum.ops, ops);
	EXPECT_EQ(sum.bad_bytes, 0u);
	EXPECT_EQ(sum.oom, 0u);
}
