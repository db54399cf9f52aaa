/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * bench/stress.cpp -- a long stress run of the threads mover.
 *
 *   bench_stress [OPS] [SEED]     (OPS default 10^7, split over 4 submitters)
 *
 * Four submitter threads share one threads mover (data_mover_threads_default),
 * each keeping up to 8 operations in flight: random memcpy, memmove
 * (overlapping either way) and memset, 90% small (1..256 bytes) and 10%
 * large (4 KiB..128 KiB), polled round-robin. Every completed operation is
 * verified against what plain memmove/memset would leave (the destination
 * is poisoned first, so an operation that never ran is caught). A fifth
 * thread churns: it creates a threads mover, runs a few copies on it and
 * deletes it, over and over. A watchdog samples the RSS every 200 ms and
 * declares a hang if no operation completes for 30 s.
 *
 * Prints ops/s (and, as the baseline measured in the same run, the same op
 * mix executed with plain memmove/memset by the same four threads), lost
 * and corrupt operations, hangs, churn cycles and the RSS growth from the
 * first sample after the first tenth of the run to the largest sample. Exit status 1
 * on any lost or corrupt operation or a hang: the short version (10^5) is a
 * ctest (label stress) in every build, including TSan.
 */
#include "libminiasync.h"

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <unistd.h>
#include <vector>

namespace
{

constexpr int kSubmitters = 4;
constexpr int kInFlight = 8;
constexpr std::size_t kSlot = 2 * 128 * 1024 + 4096;

std::uint64_t now_ns()
{
	return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
	                                      std::chrono::steady_clock::now().time_since_epoch())
	                                      .count());
}

long rss_kib()
{
	long pages = 0, resident = 0;
	FILE *f = std::fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	std::fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

std::atomic<std::uint64_t> completed{0};
std::atomic<std::uint64_t> lost{0};    /* failed result or never ran */
std::atomic<std::uint64_t> corrupt{0}; /* ran, wrong bytes */
std::atomic<std::uint64_t> churn_cycles{0};
std::atomic<bool> stop{false};

enum Kind { COPY, MOVE, SET };

struct Op {
	Kind kind;
	std::size_t doff, soff, n;
	int c;
};

Op random_op(std::mt19937_64 &rng)
{
	Op op{};
	op.kind = static_cast<Kind>(rng() % 3);
	op.n = (rng() % 10) ? 1 + rng() % 256 : 4096 + rng() % (128 * 1024 - 4096 + 1);
	op.c = static_cast<int>(rng() & 0xff);
	if (op.kind == COPY) { /* halves of the slot: no overlap */
		op.soff = rng() % (kSlot / 2 - op.n + 1);
		op.doff = kSlot / 2 + rng() % (kSlot / 2 - op.n + 1);
	} else {
		op.soff = rng() % (kSlot - op.n + 1);
		op.doff =
		    op.kind == MOVE ? (op.soff + (rng() % 512) - 256) : rng() % (kSlot - op.n);
		if (op.doff > kSlot - op.n) /* wrapped or past the end */
			op.doff = op.soff;
	}
	return op;
}

struct Slot {
	std::vector<unsigned char> buf = std::vector<unsigned char>(kSlot);
	std::vector<unsigned char> expect = std::vector<unsigned char>(128 * 1024);
	vdm_operation_future fut;
	Op op;
	bool busy = false;
};

/* The expected bytes, then the destination poisoned where that does not disturb the source. */
void prepare(Slot &s)
{
	const Op &op = s.op;
	if (op.kind == SET) {
		std::memset(s.expect.data(), op.c, op.n);
		s.buf[op.doff] = static_cast<unsigned char>(~op.c);
		s.buf[op.doff + op.n - 1] = static_cast<unsigned char>(~op.c);
	} else {
		std::memcpy(s.expect.data(), s.buf.data() + op.soff, op.n);
		if (op.kind == COPY) {
			s.buf[op.doff] = static_cast<unsigned char>(~s.expect[0]);
			s.buf[op.doff + op.n - 1] = static_cast<unsigned char>(~s.expect[op.n - 1]);
		}
	}
}

void verify(Slot &s)
{
	auto *out = FUTURE_OUTPUT(&s.fut);
	if (out->result != VDM_SUCCESS) {
		lost.fetch_add(1, std::memory_order_relaxed);
		return;
	}
	if (std::memcmp(s.buf.data() + s.op.doff, s.expect.data(), s.op.n) != 0)
		corrupt.fetch_add(1, std::memory_order_relaxed);
}

void submitter(vdm *v, std::uint64_t ops, std::uint64_t seed)
{
	std::mt19937_64 rng(seed);
	std::vector<Slot> slots(kInFlight);
	for (auto &s : slots)
		for (auto &b : s.buf)
			b = static_cast<unsigned char>(rng());
	std::uint64_t issued = 0, done = 0;
	while (done < ops) {
		std::uint64_t before = done;
		for (auto &s : slots) {
			if (!s.busy && issued < ops) {
				s.op = random_op(rng);
				prepare(s);
				unsigned char *b = s.buf.data();
				switch (s.op.kind) {
				case COPY:
					s.fut =
					    vdm_memcpy(v, b + s.op.doff, b + s.op.soff, s.op.n, 0);
					break;
				case MOVE:
					s.fut =
					    vdm_memmove(v, b + s.op.doff, b + s.op.soff, s.op.n, 0);
					break;
				case SET:
					s.fut = vdm_memset(v, b + s.op.doff, s.op.c, s.op.n, 0);
					break;
				}
				s.busy = true;
				++issued;
			}
			if (s.busy && future_poll(FUTURE_AS_RUNNABLE(&s.fut), nullptr) ==
			                  FUTURE_STATE_COMPLETE) {
				verify(s);
				s.busy = false;
				++done;
				completed.fetch_add(1, std::memory_order_relaxed);
			}
		}
		if (done == before) /* nothing finished: let the workers run */
			std::this_thread::yield();
	}
}

/* The same op mix with plain memmove/memset: the baseline. */
void plain(std::uint64_t ops, std::uint64_t seed)
{
	std::mt19937_64 rng(seed);
	Slot s;
	for (auto &b : s.buf)
		b = static_cast<unsigned char>(rng());
	for (std::uint64_t i = 0; i < ops; ++i) {
		s.op = random_op(rng);
		prepare(s);
		unsigned char *b = s.buf.data();
		if (s.op.kind == SET)
			std::memset(b + s.op.doff, s.op.c, s.op.n);
		else
			std::memmove(b + s.op.doff, b + s.op.soff, s.op.n);
		if (std::memcmp(b + s.op.doff, s.expect.data(), s.op.n) != 0)
			std::abort();
	}
}

void churner()
{
	static unsigned char a[4096], b[4096];
	while (!stop.load(std::memory_order_relaxed)) {
		data_mover_threads *m =
		    data_mover_threads_new(1 + churn_cycles % 3, 16, FUTURE_NOTIFIER_NONE);
		if (!m) {
			lost.fetch_add(1);
			continue;
		}
		vdm *v = data_mover_threads_get_vdm(m);
		for (int k = 0; k < 4; ++k) {
			std::memset(a, k + 1, sizeof(a));
			auto f = vdm_memcpy(v, b, a, sizeof(a), 0);
			FUTURE_BUSY_POLL(&f);
			if (FUTURE_OUTPUT(&f)->result != VDM_SUCCESS)
				lost.fetch_add(1);
			else if (std::memcmp(a, b, sizeof(a)) != 0)
				corrupt.fetch_add(1);
		}
		data_mover_threads_delete(m);
		churn_cycles.fetch_add(1, std::memory_order_relaxed);
	}
}

} // namespace

int main(int argc, char **argv)
{
	std::uint64_t ops = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000000ULL;
	std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
	if (ops < kSubmitters)
		ops = kSubmitters;
	std::uint64_t per = ops / kSubmitters;

	/* baseline: a tenth of the ops (at most 10^6) done in place by the same threads */
	std::uint64_t base_per = std::min<std::uint64_t>(per / 10 + 1, 250000);
	std::uint64_t t0 = now_ns();
	{
		std::vector<std::thread> th;
		for (int i = 0; i < kSubmitters; ++i)
			th.emplace_back(plain, base_per, seed + 100 + i);
		for (auto &t : th)
			t.join();
	}
	double base_rate = double(base_per * kSubmitters) / (double(now_ns() - t0) / 1e9);

	data_mover_threads *dmt = data_mover_threads_default();
	if (!dmt) {
		std::perror("data_mover_threads_default");
		return 1;
	}
	vdm *v = data_mover_threads_get_vdm(dmt);

	long rss_first = 0, rss_max = 0, rss_last = 0;
	bool hang = false;
	std::thread churn(churner);
	std::thread watchdog([&] {
		std::uint64_t last = 0, last_change = now_ns();
		while (!stop.load()) {
			std::this_thread::sleep_for(std::chrono::milliseconds(200));
			std::uint64_t c = completed.load();
			long r = rss_kib();
			if (rss_first == 0 && c >= ops / 10)
				rss_first = r;
			rss_max = std::max(rss_max, r);
			rss_last = r;
			if (c != last) {
				last = c;
				last_change = now_ns();
			} else if (now_ns() - last_change > 30ull * 1000000000ull) {
				hang = true;
				std::fprintf(
				    stderr,
				    "stress: no progress for 30 s at %" PRIu64 " ops: hang\n", c);
				std::fflush(stderr);
				std::_Exit(1);
			}
		}
	});

	t0 = now_ns();
	std::vector<std::thread> th;
	for (int i = 0; i < kSubmitters; ++i)
		th.emplace_back(submitter, v, per, seed + i);
	for (auto &t : th)
		t.join();
	double secs = double(now_ns() - t0) / 1e9;
	stop.store(true);
	churn.join();
	watchdog.join();
	data_mover_threads_delete(dmt);
	long rss_end = rss_kib();
	if (rss_first == 0)
		rss_first = rss_last ? rss_last : rss_end;

	double rate = double(per * kSubmitters) / secs;
	std::printf("stress: %" PRIu64 " ops, 4 submitters on one threads mover, seed %" PRIu64
	            "\n",
	            per * kSubmitters, seed);
	std::printf("  threads mover   %12.0f ops/s (%.2f s)\n", rate, secs);
	std::printf("  plain, baseline %12.0f ops/s (same mix, in place, 4 threads)\n", base_rate);
	std::printf("  ratio mover/plain %.3f\n", rate / base_rate);
	std::printf("  lost %" PRIu64 ", corrupt %" PRIu64 ", hangs %d\n", lost.load(),
	            corrupt.load(), hang ? 1 : 0);
	std::printf("  churn: %" PRIu64 " mover create/run/delete cycles\n", churn_cycles.load());
	std::printf(
	    "  RSS: %ld KiB after the first tenth, max %ld KiB, end %ld KiB, growth %ld KiB\n",
	    rss_first, rss_max, rss_end, rss_end - rss_first);
	return lost.load() || corrupt.load() || hang ? 1 : 0;
}
