/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The runtime: runtime_new/delete/wait/wait_multiple.
 *
 * One wait is a loop of passes. Before a pass it reads its thread's wake
 * sequence (runtime_waiter.hpp); the pass polls every unfinished future
 * once, ASYNC futures first, each group in the caller's order, and notes
 * which notifier each still-unfinished future chose. A future keeps the last
 * notifier it reported: vdm futures report theirs only in op_start (their
 * first poll) and none in op_check, yet their waker still comes; only a
 * future that never reported one counts as NONE. Then:
 *   - all complete                   -> return;
 *   - some future completed          -> next pass at once (back-off reset);
 *   - only WAKER futures left        -> spin for a budget learnt from the
 *     thread's recent waits, watching the sequence (yielding the CPU every
 *     spin_yield_ns), then sleep on it with a futex until a waker bumps it
 *     or a bound of 1 to 50 ms passes (the waker makes no system call
 *     while the thread still spins);
 *   - some NONE/POLLER futures       -> back-off step (spin, then yield, then
 *     futex sleeps of growing length, at most max_backoff_sleep_ns), cut
 *     short by a waker or by a non-zero poller word; then the next pass.
 * Nothing is allocated: the per-wait state (2 bits of remembered notifier
 * per future) and the per-pass state live on the stack.
 */

#include "libminiasync/runtime.h"
#include "common/clock.hpp"
#include "common/cpu.hpp"
#include "common/futex.hpp"
#include "miniasync/export.hpp"
#include "miniasync/runtime_test_hooks.hpp"
#include "miniasync/runtime_waiter.hpp"
#include "miniasync/wait_help.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <new>
#include <sched.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

struct runtime {
	std::uint32_t spin_min_ns;          /* the learnt spin budget stays within */
	std::uint32_t spin_max_ns;          /*   [spin_min_ns, spin_max_ns] */
	std::uint64_t waker_recheck_ns;     /* first sleep waiting for a waker, then doubled */
	std::uint64_t waker_safety_ns;      /*   up to this: the longest such sleep */
	std::uint64_t max_backoff_sleep_ns; /* longest sleep for NONE/POLLER futures */
};

/* The runtime owns the help window (wait_help.hpp); constinit: no TLS init check. */
[[gnu::tls_model("initial-exec")]] constinit thread_local masync::detail::wait_help_window
    masync::detail::this_thread_wait_help{};

namespace masync::detail
{
namespace
{

/*
 * Spin budget before sleeping for a waker, learnt per thread from the last
 * waiter::history waits (how long after the start of the spin each wake was
 * seen): 3/2 of the longest of them that is within reach, plus 2 us, kept in
 * [spin_min_ns, spin_max_ns]. "Within reach" is up to 3/2 x spin_max_ns: a
 * wake that came after the spin is seen only once the sleeper is back on its
 * CPU (a futex wake-up costs 10-50 us here, milliseconds on a loaded
 * machine), so such an arrival is measured late; longer arrivals say that
 * spinning does not pay and leave the budget to the others. A completion
 * that comes 20-200 us after the start is then caught by the spin (p99
 * from the waker to the return ~2 us instead of a futex wake-up), while
 * waits for operations of a few us spin at most the floor.
 * (Margin 3/2, not 5/4: 0.02 % of such waits sleep, not 1.2 %.)
 * The floor (30 us, about one futex wake-up) keeps a thread whose history
 * is all long from sleeping at once on an operation that comes soon after
 * all (with a 1 us floor the threads mover's 4 KiB round trip went from
 * ~1.1 to ~50 us p50 after a burst of load). A wait spins once, and again
 * only after a real wake (not after a sleep's time-out): waiting 300 ms for
 * a waker spins at most spin_max_ns = 0.1 % of the time.
 */
constexpr std::uint32_t spin_min_ns = 30'000;
constexpr std::uint32_t spin_max_ns = 300'000;
/*
 * While spinning, the thread yields its CPU this often: with more runnable
 * threads than CPUs, the one that will call the waker may be queued behind
 * the spinner (without it, a 4 KiB round trip on a loaded 2-CPU machine took
 * ~350 us: the late arrivals kept the learnt budget at its 300 us maximum).
 * With nothing else to run, sched_yield returns at once.
 */
constexpr std::uint64_t spin_yield_ns = 20'000;
/*
 * A wait with only WAKER futures sleeps until woken. The sleeps are bounded
 * all the same, and each time-out is followed by an exact re-check (a pass):
 * the first after 1 ms, each later one twice as long, up to 50 ms. A future
 * that is complete but whose waker comes late (its completer was preempted
 * between its completion and the waker call) is then seen within about 1 ms;
 * waiting 300 ms costs ~11 passes (~33 with a 10 ms cap). The 50 ms bound,
 * the safety net, rescues futures whose waker never comes (their bug).
 */
constexpr std::uint64_t waker_recheck_ns = 1'000'000;
constexpr std::uint64_t waker_safety_ns = 50'000'000;
/* The documented bound (runtime.h): NONE/POLLER futures are re-polled at least every 1 ms. */
constexpr std::uint64_t max_backoff_sleep_ns = 1'000'000;

/* Back-off schedule for futures that cannot wake us. */
constexpr unsigned backoff_spin_steps = 6;  /* 4, 8, ..., 128 pauses */
constexpr unsigned backoff_yield_steps = 3; /* sched_yield */
constexpr std::uint64_t backoff_first_sleep_ns = 10'000;

/*
 * Futures whose ASYNC pass is remembered exactly (a bitmap on the stack:
 * 1 KiB) and whose last reported notifier is remembered (2 bits each: 2 KiB).
 * Beyond it a future's notifier is what its latest poll reported.
 */
constexpr std::size_t exact_order_limit = 8192;
/* Poller words watched while waiting; more POLLER futures are treated as NONE. */
constexpr unsigned max_watched = 8;

std::atomic<runtime_hook_fn> before_sleep_fn{nullptr};
std::atomic<void *> before_sleep_arg{nullptr};
thread_local runtime_stats stats;
thread_local std::int64_t waker_timeout_override = 0; /* runtime_set_thread_waker_timeout */

inline void cpu_relax() noexcept
{
#if defined(__x86_64__)
	__builtin_ia32_pause();
#endif
}

struct pass_result {
	std::size_t remaining = 0;
	bool progress = false;  /* a future completed */
	bool any_none = false;  /* a future that will notify nobody */
	bool any_waker = false; /* a future that will call our waker */
	unsigned npollers = 0;
	std::uint64_t *watched[max_watched];
};

/* The notifier each future reported last in this wait, 2 bits per future. */
struct notifier_memory {
	std::uint64_t bits[exact_order_limit * 2 / 64];

	unsigned get(std::size_t i) const noexcept
	{
		return static_cast<unsigned>(bits[i / 32] >> (i % 32 * 2)) & 3u;
	}
	void set(std::size_t i, unsigned kind) noexcept
	{
		std::uint64_t &b = bits[i / 32];
		b = (b & ~(std::uint64_t(3) << (i % 32 * 2))) |
		    (std::uint64_t(kind & 3u) << (i % 32 * 2));
	}
};
static_assert(FUTURE_NOTIFIER_NONE == 0 && FUTURE_NOTIFIER_WAKER < 4 && FUTURE_NOTIFIER_POLLER < 4);

/* Polls future i; `mem` is nullptr when i is beyond exact_order_limit. */
void poll_one(struct future *f, waiter *w, pass_result &r, notifier_memory *mem,
              std::size_t i) noexcept
{
	struct future_notifier n;
	n.waker.data = w;
	n.waker.wake = waiter_wake;
	n.poller.ptr_to_monitor = nullptr;
	n.notifier_used = FUTURE_NOTIFIER_NONE;
	n.padding = 0;

	if (future_poll(f, &n) == FUTURE_STATE_COMPLETE) {
		r.progress = true;
		return;
	}
	r.remaining++;
	unsigned used = static_cast<unsigned>(n.notifier_used);
	if (mem != nullptr) {
		if (used == FUTURE_NOTIFIER_NONE)
			used = mem->get(i); /* its earlier waker or poller word still counts */
		else if (used == FUTURE_NOTIFIER_WAKER || used == FUTURE_NOTIFIER_POLLER)
			mem->set(i, used);
	}
	switch (used) {
	case FUTURE_NOTIFIER_WAKER:
		r.any_waker = true;
		break;
	case FUTURE_NOTIFIER_POLLER:
		/* A remembered POLLER without a word this time: nothing to watch, back off. */
		if (n.notifier_used == FUTURE_NOTIFIER_POLLER &&
		    n.poller.ptr_to_monitor != nullptr && r.npollers < max_watched) {
			r.watched[r.npollers++] = n.poller.ptr_to_monitor;
			break;
		}
		r.any_none = true;
		break;
	default:
		r.any_none = true;
		break;
	}
}

inline bool is_async(struct future *f) noexcept
{
	return future_has_property(f, FUTURE_PROPERTY_ASYNC) > 0;
}

/*
 * One pass: every unfinished future polled once, ASYNC ones first. The
 * bitmap remembers which futures the ASYNC round polled (a chain's property
 * may change when it is polled). Beyond exact_order_limit futures the
 * property is asked again instead, so a future whose ASYNC property went
 * away while it was polled may be polled a second time in that pass.
 */
pass_result run_pass(struct future *const *futs, std::size_t nfuts, waiter *w,
                     notifier_memory &mem) noexcept
{
	pass_result r;
	std::uint64_t polled[exact_order_limit / 64];
	std::size_t exact = std::min(nfuts, exact_order_limit);
	std::memset(polled, 0, (exact + 63) / 64 * sizeof(polled[0]));

	for (std::size_t i = 0; i < nfuts; ++i) {
		struct future *f = futs[i];
		if (f == nullptr || f->context.state == FUTURE_STATE_COMPLETE)
			continue;
		if (!is_async(f))
			continue;
		if (i < exact)
			polled[i / 64] |= std::uint64_t(1) << (i % 64);
		poll_one(f, w, r, i < exact ? &mem : nullptr, i);
	}
	for (std::size_t i = 0; i < nfuts; ++i) {
		struct future *f = futs[i];
		if (f == nullptr || f->context.state == FUTURE_STATE_COMPLETE)
			continue;
		if (i < exact) {
			if (polled[i / 64] & (std::uint64_t(1) << (i % 64)))
				continue;
		} else if (is_async(f)) {
			continue;
		}
		poll_one(f, w, r, i < exact ? &mem : nullptr, i);
	}
	stats.passes++;
	return r;
}

inline bool poller_signalled(const pass_result &r) noexcept
{
	for (unsigned i = 0; i < r.npollers; ++i)
		if (std::atomic_ref<std::uint64_t>(*r.watched[i]).load(std::memory_order_acquire) !=
		    0)
			return true;
	return false;
}

/* True when something happened that makes another pass worthwhile. */
inline bool signalled(const waiter *w, std::uint32_t snap, const pass_result &r) noexcept
{
	return w->seq.load(std::memory_order_acquire) != snap || poller_signalled(r);
}

/*
 * Sleeps on the waiter's sequence while it equals `snap`, at most
 * timeout_ns (forever when negative). Returns false on time-out.
 */
bool sleep_on(waiter *w, std::uint32_t snap, std::int64_t timeout_ns, bool run_hook) noexcept
{
	bool woke = true;
	w->sleeping.fetch_add(1, std::memory_order_seq_cst);
	if (w->seq.load(std::memory_order_seq_cst) == snap) {
		if (run_hook) {
			runtime_hook_fn fn = before_sleep_fn.load(std::memory_order_acquire);
			if (fn != nullptr)
				fn(before_sleep_arg.load(std::memory_order_relaxed));
		}
		woke = futex_wait(&w->seq, snap, timeout_ns);
	}
	w->sleeping.fetch_sub(1, std::memory_order_seq_cst);
	return woke;
}

/* The spin budget learnt from the thread's recent waits (see spin_min_ns). */
std::uint64_t spin_budget(const struct runtime &rt, const waiter *w) noexcept
{
	std::uint64_t reach_us = rt.spin_max_ns * 3ull / 2 / 1000, longest_us = 0;
	for (std::uint64_t a : w->arrival_us)
		if (a <= reach_us && a > longest_us)
			longest_us = a;
	return std::clamp<std::uint64_t>(longest_us * 1500 + 2000, rt.spin_min_ns, rt.spin_max_ns);
}

/* How a wait for wakers goes on: spin or not, and the next sleep's bound. */
struct wake_policy {
	bool spin = true;           /* false after a time-out, until a real wake */
	std::uint64_t sleep_ns = 0; /* the next sleep's time-out (0: the first) */
};

/*
 * Only WAKER futures are left: spin (when p.spin) for the learnt budget,
 * then sleep until a waker runs or the sleep's bound passes (wake_policy,
 * waker_recheck_ns). Either way the caller runs the next pass.
 *
 * The hot case -- the wake comes during the spin -- reads no clock: its
 * arrival is noted as the time of the last clock check (at most 32 pauses,
 * about 1 us, early), which is precise enough for the budget.
 */
void wait_for_wake(const struct runtime &rt, waiter *w, std::uint32_t snap, wake_policy &p) noexcept
{
	std::uint64_t start = now_ns(), elapsed = 0;
	if (p.spin) {
		const std::uint64_t budget = spin_budget(rt, w);
		std::uint64_t next_yield = spin_yield_ns;
		for (unsigned i = 1;; ++i) {
			if (w->seq.load(std::memory_order_acquire) != snap) {
				w->note_arrival(elapsed);
				p.sleep_ns = 0;
				return;
			}
			cpu_relax();
			if (i % 32 != 0)
				continue;
			elapsed = now_ns() - start;
			if (elapsed >= budget)
				break;
			if (elapsed >= next_yield) {
				sched_yield();
				elapsed = now_ns() - start;
				next_yield = elapsed + spin_yield_ns;
			}
		}
	}
	stats.sleeps++;
	std::uint64_t bound = p.sleep_ns == 0 ? rt.waker_recheck_ns : p.sleep_ns;
	bound = std::min(bound, rt.waker_safety_ns);
	std::int64_t timeout =
	    waker_timeout_override != 0 ? waker_timeout_override : static_cast<std::int64_t>(bound);
	if (sleep_on(w, snap, timeout, true)) {
		if (p.spin)
			w->note_arrival(now_ns() - start);
		p.spin = true;
		p.sleep_ns = 0;
		return;
	}
	/* Timed out: re-check with a pass, sleep longer next time, spin only after a real wake. */
	if (bound >= rt.waker_safety_ns || waker_timeout_override != 0)
		stats.sleep_timeouts++;
	else
		stats.sleep_rechecks++;
	if (p.spin)
		w->note_arrival(UINT64_MAX);
	p.spin = false;
	p.sleep_ns = bound * 2;
}

#if defined(__x86_64__)
/*
 * Waits (UMONITOR/UMWAIT, light C0.2 state) until *word may have changed or
 * about timeout_ns have passed. Only called when the CPU has WAITPKG.
 */
__attribute__((target("waitpkg"))) void umwait_on(std::uint64_t *word,
                                                  std::uint64_t timeout_ns) noexcept
{
	std::uint64_t end = now_ns() + timeout_ns;
	do {
		_umonitor(word);
		if (std::atomic_ref<std::uint64_t>(*word).load(std::memory_order_acquire) != 0)
			return;
		/* ~4 TSC ticks per ns is an over-estimate: the clock check below bounds it. */
		_umwait(0, __rdtsc() + timeout_ns * 4);
	} while (std::atomic_ref<std::uint64_t>(*word).load(std::memory_order_acquire) == 0 &&
	         now_ns() < end);
}
#endif

/*
 * Some futures cannot wake us (NONE) or set a word instead (POLLER): one
 * step of a back-off that grows from spinning through yielding to short
 * sleeps, any of which ends early when a waker runs or a poller word is set.
 */
void backoff_wait(const struct runtime &rt, waiter *w, std::uint32_t snap, const pass_result &r,
                  unsigned &step) noexcept
{
	unsigned s = step < 64 ? step++ : step;
	stats.backoff_waits++;
	if (signalled(w, snap, r))
		return;
	if (s < backoff_spin_steps) {
		for (unsigned i = 0; i < (4u << s); ++i) {
			cpu_relax();
			if (signalled(w, snap, r))
				return;
		}
		return;
	}
	if (s < backoff_spin_steps + backoff_yield_steps) {
		sched_yield();
		return;
	}
	unsigned k = std::min(s - backoff_spin_steps - backoff_yield_steps, 20u);
	std::uint64_t ns = std::min(backoff_first_sleep_ns << k, rt.max_backoff_sleep_ns);
#if defined(__x86_64__)
	if (r.npollers == 1 && !r.any_none && !r.any_waker && masync::cpu().waitpkg) {
		umwait_on(r.watched[0], ns);
		return;
	}
#endif
	sleep_on(w, snap, static_cast<std::int64_t>(ns), false);
}

void wait_all(const struct runtime &rt, struct future *const *futs, std::size_t nfuts) noexcept
{
	waiter *w = this_thread_waiter();
	unsigned step = 0;
	wake_policy policy;
	notifier_memory mem;
	std::memset(mem.bits, 0,
	            (std::min(nfuts, exact_order_limit) + 31) / 32 * sizeof(mem.bits[0]));
	for (;;) {
		std::uint32_t snap = w->seq.load(std::memory_order_acquire);
		wait_help_open();
		pass_result r = run_pass(futs, nfuts, w, mem);
		if (wait_help_close_and_run()) {
			/* A mover had work for this thread (wait_help.hpp): poll again. */
			step = 0;
			continue;
		}
		if (r.remaining == 0)
			return;
		if (r.progress) {
			step = 0;
			continue;
		}
		if (!r.any_none && r.npollers == 0)
			wait_for_wake(rt, w, snap, policy);
		else
			backoff_wait(rt, w, snap, r, step);
	}
}

const struct runtime default_runtime = {spin_min_ns, spin_max_ns, waker_recheck_ns, waker_safety_ns,
                                        max_backoff_sleep_ns};

} // namespace

void runtime_set_before_sleep_hook(runtime_hook_fn fn, void *arg) noexcept
{
	before_sleep_arg.store(arg, std::memory_order_relaxed);
	before_sleep_fn.store(fn, std::memory_order_release);
}

void runtime_set_thread_waker_timeout(std::int64_t ns) noexcept
{
	waker_timeout_override = ns;
}

runtime_stats runtime_thread_stats() noexcept
{
	return stats;
}

void runtime_reset_thread_stats() noexcept
{
	stats = runtime_stats{};
}

} // namespace masync::detail

extern "C" {

MINIASYNC_EXPORT struct runtime *runtime_new(void)
{
	auto *rt = new (std::nothrow) runtime(masync::detail::default_runtime);
	if (rt == nullptr)
		errno = ENOMEM;
	return rt;
}

MINIASYNC_EXPORT void runtime_delete(struct runtime *runtime)
{
	delete runtime;
}

MINIASYNC_EXPORT void runtime_wait_multiple(struct runtime *runtime, struct future *futs[],
                                            size_t nfuts)
{
	if (futs == nullptr || nfuts == 0)
		return;
	masync::detail::wait_all(runtime ? *runtime : masync::detail::default_runtime, futs, nfuts);
}

MINIASYNC_EXPORT void runtime_wait(struct runtime *runtime, struct future *fut)
{
	runtime_wait_multiple(runtime, &fut, 1);
}

} /* extern "C" */
