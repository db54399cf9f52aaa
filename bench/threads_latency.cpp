/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Latency and idle cost of waiting with the runtime, measured in one run:
 *
 *   wake     a waker called on another thread -> runtime_wait returns,
 *            20,000 times (the waker fires 0-2 us after the future armed
 *            it): p50/p99/max. Target p99 <= 10 us and none above 1 ms that
 *            the runtime caused. A machine stall is not the runtime's and is
 *            reported apart: a sample during which the waiting thread was
 *            preempted (involuntary context switch, from getrusage), or in
 *            which the firing thread was held up so long that the waker came
 *            after the runtime's spin (more than 30 us after arming instead of
 *            0-2 us), so the runtime slept as designed and the sample
 *            measures the machine's wake-up of a sleeping thread (see
 *            sleepwake). Each sample over 1 ms is listed with these facts.
 *   sleepwake  the same with the waker 300 us late, so the runtime has gone
 *            to sleep: the futex wake-up cost (informational).
 *   trip     one 4 KiB memcpy handed to a worker, from vdm_memcpy to the
 *            return of runtime_wait, 20,000 times: target p99 <= 20 us.
 *   vdm      a custom vdm whose helper thread completes each operation
 *            20-200 us after op_start (release store, then the waker given to
 *            op_start): from that store to the return of runtime_wait, 20,000
 *            times, target p99 <= 10 us and none above 1 ms. Interleaved
 *            with the same completions waited for without the runtime, as
 *            baselines of the same run: "spin" (the waiting thread spins on
 *            the completion word: the floor of what any wait can do) and
 *            "futex" (it sleeps on that word at once and the helper wakes it:
 *            the machine's cost of a sleeping wait).
 *   idle     CPU time of the whole process while runtime_wait waits 300 ms
 *            (a) for a future whose waker another thread calls after 300 ms,
 *            (b) for a threads-mover memcpy whose custom function sleeps
 *            300 ms (idle workers present): target <= 1 % of wall time.
 *
 *   bench_threads_latency [wake|sleepwake|vdm|trip|idle ...] [--n N] [--strict]
 */

#include "threads_common.hpp"
#include "miniasync/runtime_test_hooks.hpp"

#include <cinttypes>
#include <climits>
#include <linux/futex.h>
#include <random>
#include <sys/syscall.h>
#include <unistd.h>
#include <string>
#include <thread>

using namespace threads_bench;

namespace
{

int samples = 20000;

struct latencies {
	/* clean: the waiter was not preempted and the waker fired on time */
	std::vector<std::uint64_t> all, clean;
	std::uint64_t slept = 0;             /* samples in which the waiter slept */
	std::vector<std::string> outliers;   /* the first samples over 1 ms, described */
	masync::detail::runtime_stats stats; /* what the runtime did meanwhile */
};

void print(const char *name, const latencies &l)
{
	auto us = [](double ns) { return ns / 1000.0; };
	std::uint64_t over_all = 0, over_clean = 0;
	for (auto v : l.all)
		over_all += v > 1000000;
	for (auto v : l.clean)
		over_clean += v > 1000000;
	std::printf("  %s: %zu samples, %zu without preemption of the waiting thread, %" PRIu64
	            " with a sleep\n",
	            name, l.all.size(), l.clean.size(), l.slept);
	std::printf("    runtime: %" PRIu64 " passes, %" PRIu64 " futex sleeps (%" PRIu64
	            " ended by the 1-10 ms re-check bound, %" PRIu64
	            " by the safety time-out), %" PRIu64 " back-off steps\n",
	            l.stats.passes, l.stats.sleeps, l.stats.sleep_rechecks, l.stats.sleep_timeouts,
	            l.stats.backoff_waits);
	std::printf("    all samples:       p50 %7.2f us  p99 %7.2f us  p99.9 %8.2f us  max %9.2f "
	            "us  >1ms: %" PRIu64 "\n",
	            us(percentile(l.all, 50)), us(percentile(l.all, 99)),
	            us(percentile(l.all, 99.9)), us(percentile(l.all, 100)), over_all);
	std::printf("    clean:             p50 %7.2f us  p99 %7.2f us  p99.9 %8.2f us  max %9.2f "
	            "us  >1ms: %" PRIu64 "\n",
	            us(percentile(l.clean, 50)), us(percentile(l.clean, 99)),
	            us(percentile(l.clean, 99.9)), us(percentile(l.clean, 100)), over_clean);
	for (const auto &o : l.outliers)
		std::printf("%s\n", o.c_str());
}

/* A waker fired by another thread `delay_ns` (plus 0-2 us of jitter) after the future armed it. */
latencies wake_path(std::uint64_t delay_ns)
{
	struct runtime *rt = runtime_new();
	wake_slot slot;
	std::atomic<int> round{-1};
	std::atomic<std::uint64_t> fired_at{0};
	std::atomic<bool> quit{false};
	std::thread firer([&] {
		std::minstd_rand rng(42);
		int seen = -1;
		for (;;) {
			int r;
			while ((r = round.load(std::memory_order_acquire)) == seen) {
				if (quit.load(std::memory_order_relaxed))
					return;
				__builtin_ia32_pause();
			}
			seen = r;
			while (!slot.armed.load(std::memory_order_acquire))
				__builtin_ia32_pause();
			std::uint64_t until = now_ns() + delay_ns + rng() % 2000;
			if (delay_ns > 100000)
				std::this_thread::sleep_for(
				    std::chrono::nanoseconds(delay_ns - 60000));
			while (now_ns() < until)
				__builtin_ia32_pause();
			fired_at.store(now_ns(), std::memory_order_relaxed);
			slot.fire();
		}
	});
	latencies l;
	int n = delay_ns > 100000 ? samples / 10 : samples;
	for (int i = -200; i < n; ++i) { /* 200 rounds of warm-up */
		if (i == 0)
			masync::detail::runtime_reset_thread_stats();
		slot.reset();
		auto f = make_wake_future(&slot);
		long pre0 = preemptions(), sl0 = sleeps();
		round.store(i, std::memory_order_release);
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
		std::uint64_t t1 = now_ns();
		long pre1 = preemptions(), sl1 = sleeps();
		if (i < 0)
			continue;
		std::uint64_t t0 = fired_at.load(std::memory_order_relaxed);
		std::uint64_t d = t1 > t0 ? t1 - t0 : 0;
		l.all.push_back(d);
		std::uint64_t armed = slot.armed_at.load(std::memory_order_relaxed);
		/* On time: within the jitter asked for plus the runtime's 30 us spin. */
		bool on_time = t0 - armed <= delay_ns + 2000 + 30000;
		if (pre1 == pre0 && on_time)
			l.clean.push_back(d);
		l.slept += sl1 != sl0;
		/* Every sample over 1 ms, with what the threads saw around it. */
		if (d > 1000000 && l.outliers.size() < 8) {
			char line[160];
			std::snprintf(line, sizeof(line),
			              "    sample %d: %.1f us; waiter preempted: %s, slept: %s; "
			              "waker fired %.1f us after arming",
			              i, double(d) / 1e3, pre1 != pre0 ? "yes" : "no",
			              sl1 != sl0 ? "yes" : "no", double(t0 - armed) / 1e3);
			l.outliers.push_back(line);
		}
	}
	l.stats = masync::detail::runtime_thread_stats();
	quit.store(true);
	round.store(-2, std::memory_order_release);
	firer.join();
	runtime_delete(rt);
	return l;
}

bool bench_wake()
{
	std::printf("wake: waker called on another thread -> runtime_wait returns\n");
	latencies l = wake_path(0);
	print("waker fired 0-2 us after arming", l);
	bool ok = report_max("wake path p99 (clean)", percentile(l.clean, 99) / 1000, 10, "us");
	std::uint64_t over = 0;
	for (auto v : l.clean)
		over += v > 1000000;
	ok &= report_max("wake path samples > 1 ms caused by the runtime (clean)", double(over), 0,
	                 "samples");
	return ok;
}

bool bench_sleepwake()
{
	std::printf("sleepwake: waker called 300 us after arming (the runtime sleeps by then)\n");
	latencies l = wake_path(300000);
	print("waker fired 300 us after arming", l);
	std::printf("  (informational: the cost of a futex wake-up on this machine)\n");
	return true;
}

/*
 * The custom vdm of the "vdm" scenario: one operation at a time, completed
 * by a helper thread `delay` after op_start. The bench's own futex calls are
 * raw system calls, independent of the library's.
 */
struct helper_vdm {
	struct vdm base;                        /* first: the vdm pointer is the helper_vdm */
	std::atomic<std::uint32_t> started{0};  /* number of the operation started last */
	std::atomic<std::uint32_t> done{0};     /* number of the operation completed last */
	std::atomic<std::uint64_t> start_ns{0}; /* when it was started */
	std::atomic<std::uint64_t> delay_ns{0}; /* how long after start the helper completes it */
	std::atomic<std::uint64_t> done_ns{0};  /* when the helper stored `done` */
	std::atomic<future_waker_wake_fn> wake{nullptr};
	std::atomic<void *> wake_data{nullptr};
	std::atomic<bool> quit{false};

	/* Starts operation `number`; the helper then calls `fn(data)` after completing it. */
	void start(std::uint32_t number, future_waker_wake_fn fn, void *data)
	{
		wake_data.store(data, std::memory_order_relaxed);
		wake.store(fn, std::memory_order_relaxed);
		start_ns.store(now_ns(), std::memory_order_relaxed);
		started.store(number, std::memory_order_release);
	}
	void helper_loop()
	{
		std::uint32_t seen = 0;
		for (;;) {
			std::uint32_t s;
			while ((s = started.load(std::memory_order_acquire)) == seen) {
				if (quit.load(std::memory_order_relaxed))
					return;
				__builtin_ia32_pause();
			}
			seen = s;
			std::uint64_t until = start_ns.load(std::memory_order_relaxed) +
			                      delay_ns.load(std::memory_order_relaxed);
			while (now_ns() < until)
				__builtin_ia32_pause();
			done_ns.store(now_ns(), std::memory_order_relaxed);
			done.store(s, std::memory_order_release);
			wake.load(std::memory_order_relaxed)(
			    wake_data.load(std::memory_order_relaxed));
		}
	}
};

void *hv_new(struct vdm *vdm, const enum vdm_operation_type type)
{
	(void)type;
	return vdm;
}

int hv_start(void *data, const struct vdm_operation *op, struct future_notifier *n)
{
	(void)op;
	auto *h = static_cast<helper_vdm *>(data);
	future_waker_wake_fn fn = [](void *) {};
	void *arg = nullptr;
	if (n != nullptr) {
		n->notifier_used = FUTURE_NOTIFIER_WAKER;
		fn = n->waker.wake;
		arg = n->waker.data;
	}
	h->start(h->started.load(std::memory_order_relaxed) + 1, fn, arg);
	return 0;
}

enum future_state hv_check(void *data, const struct vdm_operation *op)
{
	(void)op;
	auto *h = static_cast<helper_vdm *>(data);
	return h->done.load(std::memory_order_acquire) == h->started.load(std::memory_order_relaxed)
	           ? FUTURE_STATE_COMPLETE
	           : FUTURE_STATE_RUNNING;
}

void hv_delete(void *data, const struct vdm_operation *op, struct vdm_operation_output *out)
{
	(void)data;
	out->type = op->type;
	out->result = VDM_SUCCESS;
	out->output.memcpy.dest = op->data.memcpy.dest;
}

int hv_async(void *future, enum future_property property)
{
	(void)future;
	return property == FUTURE_PROPERTY_ASYNC;
}

long raw_futex(void *addr, int op, std::uint32_t val)
{
	return syscall(SYS_futex, addr, op, val, nullptr, nullptr, 0);
}

void raw_futex_wake(void *data)
{
	raw_futex(data, FUTEX_WAKE_PRIVATE, INT_MAX);
}

bool bench_vdm()
{
	std::printf("vdm: custom vdm, helper thread completes 20-200 us after op_start -> "
	            "runtime_wait returns\n");
	helper_vdm h;
	h.base.op_new = hv_new;
	h.base.op_delete = hv_delete;
	h.base.op_start = hv_start;
	h.base.op_check = hv_check;
	h.base.capabilities = 0;
	h.base.has_property = hv_async;
	std::thread helper([&] { h.helper_loop(); });
	struct runtime *rt = runtime_new();
	std::minstd_rand rng(7);
	const char *names[3] = {"runtime_wait", "baseline spin on the word",
	                        "baseline futex sleep on the word"};
	latencies l[3];
	masync::detail::runtime_stats st{};
	std::uint64_t cpu[3] = {0, 0, 0}, wall[3] = {0, 0, 0};
	char buf[64];
	for (int i = -300; i < 3 * samples; ++i) { /* 100 rounds of each as warm-up */
		int mode = (i + 300) % 3;
		h.delay_ns.store(20000 + rng() % 180001, std::memory_order_relaxed);
		long pre0 = preemptions(), sl0 = sleeps();
		std::uint64_t c0 = cpu_ns(RUSAGE_THREAD), w0 = now_ns();
		auto s0 = masync::detail::runtime_thread_stats();
		if (mode == 0) {
			auto f = vdm_memcpy(&h.base, buf, buf + 32, 32, 0);
			runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
		} else {
			std::uint32_t k = h.started.load(std::memory_order_relaxed) + 1;
			if (mode == 1) {
				h.start(
				    k, [](void *) {}, nullptr);
				while (h.done.load(std::memory_order_acquire) != k)
					__builtin_ia32_pause();
			} else {
				h.start(k, raw_futex_wake, &h.done);
				std::uint32_t v;
				while ((v = h.done.load(std::memory_order_acquire)) != k)
					raw_futex(&h.done, FUTEX_WAIT_PRIVATE, v);
			}
		}
		std::uint64_t t1 = now_ns();
		std::uint64_t c1 = cpu_ns(RUSAGE_THREAD);
		long pre1 = preemptions(), sl1 = sleeps();
		if (i < 0)
			continue;
		if (mode == 0) {
			auto s1 = masync::detail::runtime_thread_stats();
			st.passes += s1.passes - s0.passes;
			st.sleeps += s1.sleeps - s0.sleeps;
			st.sleep_timeouts += s1.sleep_timeouts - s0.sleep_timeouts;
			st.sleep_rechecks += s1.sleep_rechecks - s0.sleep_rechecks;
			st.backoff_waits += s1.backoff_waits - s0.backoff_waits;
		}
		std::uint64_t t0 = h.done_ns.load(std::memory_order_relaxed);
		std::uint64_t d = t1 > t0 ? t1 - t0 : 0;
		cpu[mode] += c1 - c0;
		wall[mode] += t1 - w0;
		latencies &m = l[mode];
		m.all.push_back(d);
		if (pre1 == pre0)
			m.clean.push_back(d);
		m.slept += sl1 != sl0;
		if (d > 1000000 && m.outliers.size() < 8) {
			char line[160];
			std::snprintf(line, sizeof(line),
			              "    sample %d: %.1f us; waiter preempted: %s, slept: %s; "
			              "completed %.1f us after start",
			              i / 3, double(d) / 1e3, pre1 != pre0 ? "yes" : "no",
			              sl1 != sl0 ? "yes" : "no",
			              double(t0 - h.start_ns.load(std::memory_order_relaxed)) /
			                  1e3);
			m.outliers.push_back(line);
		}
	}
	l[0].stats = st;
	h.quit.store(true);
	helper.join();
	runtime_delete(rt);
	for (int m = 0; m < 3; ++m) {
		print(names[m], l[m]);
		std::printf("    waiting thread's CPU: %.1f %% of the wait\n",
		            100.0 * double(cpu[m]) / double(wall[m] ? wall[m] : 1));
	}
	double p99 = percentile(l[0].all, 99);
	std::printf("  p99 ratios: runtime / spin baseline %.2f, runtime / futex baseline %.2f\n",
	            p99 / std::max(1.0, percentile(l[1].all, 99)),
	            p99 / std::max(1.0, percentile(l[2].all, 99)));
	bool ok = report_max("custom vdm p99 (all samples)", p99 / 1000, 10, "us");
	report_max("custom vdm p99 (not preempted)", percentile(l[0].clean, 99) / 1000, 10, "us");
	/*
	 * The goal counts waits over 1 ms that the waiting thread being kept
	 * off its CPU does not explain (issue 16): the clean samples. The spin
	 * baseline above shows how many preempted ones this machine gives
	 * anyway.
	 */
	std::uint64_t over = 0, over_all = 0;
	for (auto v : l[0].clean)
		over += v > 1000000;
	for (auto v : l[0].all)
		over_all += v > 1000000;
	std::printf("  custom vdm samples > 1 ms: %" PRIu64 " of all, %" PRIu64
	            " clean (not preempted, waker on time)\n",
	            over_all, over);
	ok &= report_max("custom vdm samples > 1 ms (clean)", double(over), 0, "samples");
	return ok;
}

bool bench_trip()
{
	std::printf(
	    "trip: one 4 KiB memcpy handed to a worker, vdm_memcpy -> runtime_wait returns\n");
	struct runtime *rt = runtime_new();
	struct data_mover_threads *dmt = data_mover_threads_default();
	struct vdm *vdm = data_mover_threads_get_vdm(dmt);
	auto src = buffer(4096, 1), dst = buffer(4096, 0);
	latencies l;
	for (int i = -200; i < samples; ++i) {
		if (i == 0)
			masync::detail::runtime_reset_thread_stats();
		long pre0 = preemptions(), sl0 = sleeps();
		std::uint64_t t0 = now_ns();
		auto f = vdm_memcpy(vdm, dst.data(), src.data(), 4096, 0);
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
		std::uint64_t d = now_ns() - t0;
		long pre1 = preemptions(), sl1 = sleeps();
		if (i < 0)
			continue;
		l.all.push_back(d);
		if (pre1 == pre0)
			l.clean.push_back(d);
		l.slept += sl1 != sl0;
	}
	l.stats = masync::detail::runtime_thread_stats();
	print("4 KiB round trip (data_mover_threads_default)", l);
	bool ok = report_max("4 KiB round trip p99 (not preempted)", percentile(l.clean, 99) / 1000,
	                     20, "us");
	report_max("4 KiB round trip p99 (all samples)", percentile(l.all, 99) / 1000, 20, "us");
	data_mover_threads_delete(dmt);
	runtime_delete(rt);
	return ok;
}

void *sleepy_memcpy(void *d, const void *s, std::size_t n, unsigned flags)
{
	(void)flags;
	std::this_thread::sleep_for(std::chrono::milliseconds(300));
	return std::memcpy(d, s, n);
}

bool bench_idle()
{
	std::printf("idle: process CPU time while runtime_wait waits 300 ms\n");
	struct runtime *rt = runtime_new();
	struct data_mover_threads *dmt = data_mover_threads_default();
	data_mover_threads_set_memcpy_fn(dmt, sleepy_memcpy);
	struct vdm *vdm = data_mover_threads_get_vdm(dmt);
	bool ok = true;
	{
		/* Warm the waiter up (first wait allocates it). */
		wake_slot slot;
		slot.fired.store(1);
		auto f = make_wake_future(&slot);
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
	}
	for (int round = 0; round < 2; ++round) {
		wake_slot slot;
		std::thread firer;
		masync::detail::runtime_reset_thread_stats();
		std::uint64_t cpu0 = cpu_ns(), tcpu0 = cpu_ns(RUSAGE_THREAD), w0 = now_ns();
		if (round == 0) {
			auto f = make_wake_future(&slot);
			firer = std::thread([&] {
				while (!slot.armed.load(std::memory_order_acquire))
					std::this_thread::yield();
				std::this_thread::sleep_for(std::chrono::milliseconds(300));
				slot.fire();
			});
			runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
			firer.join();
		} else {
			char a[4096] = {1}, b[4096];
			auto f = vdm_memcpy(vdm, b, a, sizeof(a), 0);
			runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
		}
		std::uint64_t tcpu = cpu_ns(RUSAGE_THREAD) - tcpu0;
		std::uint64_t wall = now_ns() - w0, cpu = cpu_ns() - cpu0;
		double pct = 100.0 * double(cpu) / double(wall);
		auto st = masync::detail::runtime_thread_stats();
		std::printf("  %s: wall %.1f ms, CPU %.3f ms (the waiting thread: %.3f ms; runtime: %" PRIu64
		            " passes, %" PRIu64 " sleeps, %" PRIu64 " back-off steps)\n",
		            round == 0 ? "(a) waker future, fired after 300 ms"
		                       : "(b) threads-mover memcpy taking 300 ms",
		            double(wall) / 1e6, double(cpu) / 1e6, double(tcpu) / 1e6, st.passes,
		            st.sleeps, st.backoff_waits);
		if (round == 0) {
			ok &=
			    report_max("CPU while waiting for a waker (a)", pct, 1.0, "% of wall");
		} else {
			/*
			 * Not an acceptance target: the runtime re-polls a RUNNING vdm
			 * future with a back-off because the future can only report
			 * its waker when it starts (docs/threads_mover.md).
			 */
			std::printf("  (b) %.2f %% of wall (informational; %" PRIu64
			            " back-off steps of the runtime)\n",
			            pct, st.backoff_waits);
		}
	}
	data_mover_threads_delete(dmt);
	runtime_delete(rt);
	return ok;
}

} // namespace

int main(int argc, char **argv)
{
	bool strict = false;
	std::vector<std::string> which;
	CLI::App app{"Latency of the threads mover: wake-ups, round trips, idle cost"};
	app.add_flag("--strict", strict, "exit 1 when a target is missed");
	app.add_option("--n", samples, "samples per figure")
	    ->capture_default_str()
	    ->check(CLI::Range(100, 1 << 30));
	app.add_option("which", which, "benchmarks to run (default: all)")
	    ->check(CLI::IsMember({"wake", "sleepwake", "vdm", "trip", "idle"}));
	if (int rc = bench::parse_args(app, argc, argv); rc >= 0)
		return rc;
	if (which.empty())
		which = {"wake", "sleepwake", "vdm", "trip", "idle"};
	std::printf("bench_threads_latency: %u CPUs, %d samples\n",
	            std::thread::hardware_concurrency(), samples);
	bool ok = true;
	for (auto &w : which) {
		if (w == "wake")
			ok &= bench_wake();
		else if (w == "sleepwake")
			ok &= bench_sleepwake();
		else if (w == "vdm")
			ok &= bench_vdm();
		else if (w == "trip")
			ok &= bench_trip();
		else if (w == "idle")
			ok &= bench_idle();
		else {
			std::fprintf(stderr,
			             "unknown benchmark '%s' (wake, sleepwake, vdm, trip, idle)\n",
			             w.c_str());
			return 2;
		}
	}
	std::printf("bench_threads_latency: %s\n", ok ? "all targets met" : "some targets missed");
	return strict && !ok ? 1 : 0;
}
