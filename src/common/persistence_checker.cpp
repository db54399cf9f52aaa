/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/persistence_checker.cpp -- the tracker behind
 * persistence_checker.hpp (compiled to nothing without the build option).
 */
#include "common/persistence_checker.hpp"
#include "masync/granularity.hpp"

#ifdef MASYNC_PERSISTENCE_CHECKER

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include <unistd.h>

namespace masync::persistence_checker
{
namespace
{

constexpr std::uintptr_t line_size = 64;
constexpr std::size_t max_orphans = 1 << 16;

std::uintptr_t page_size()
{
	static const std::uintptr_t size = [] {
		long v = sysconf(_SC_PAGESIZE);
		return v > 0 ? static_cast<std::uintptr_t>(v) : std::uintptr_t{4096};
	}();
	return size;
}

std::uintptr_t down(std::uintptr_t v, std::uintptr_t unit)
{
	return v & ~(unit - 1);
}

std::uintptr_t up(std::uintptr_t v, std::uintptr_t unit)
{
	return down(v + unit - 1, unit);
}

/* Write-backs or streaming stores of one thread, not fenced yet. */
struct pending {
	std::uintptr_t begin; /* line-aligned */
	std::uintptr_t end;   /* line-aligned */
	std::uint64_t seq;    /* the sequence number when they were issued */
	bool nt;              /* streaming stores rather than write-backs */
};

/* What other threads may learn of a thread's unfenced work: bounding ranges. */
struct unfenced_view {
	std::uintptr_t lo = UINTPTR_MAX, hi = 0; /* write-backs and streaming stores */
	std::uint64_t max_seq = 0;
	std::uintptr_t nt_lo = UINTPTR_MAX, nt_hi = 0; /* streaming stores only */
	std::uint64_t nt_max_seq = 0;

	bool any(std::uintptr_t b, std::uintptr_t e, std::uint64_t s0) const
	{
		return max_seq >= s0 && lo < e && b < hi;
	}
	bool any_nt(std::uintptr_t b, std::uintptr_t e, std::uint64_t s0) const
	{
		return nt_max_seq >= s0 && nt_lo < e && b < nt_hi;
	}
};

/*
 * unfenced_view published by its one writer (the owning thread) under a
 * sequence lock. The writer only executes plain stores: a locked instruction
 * right after CLWB/CLFLUSHOPT or a streaming store would wait for it to
 * complete and slow every line down.
 */
class published_view
{
      public:
	void write(const unfenced_view &v)
	{
		auto ver = version_.load(std::memory_order_relaxed);
		version_.store(ver + 1, std::memory_order_relaxed);
		lo_.store(v.lo, std::memory_order_release);
		hi_.store(v.hi, std::memory_order_release);
		max_seq_.store(v.max_seq, std::memory_order_release);
		nt_lo_.store(v.nt_lo, std::memory_order_release);
		nt_hi_.store(v.nt_hi, std::memory_order_release);
		nt_max_seq_.store(v.nt_max_seq, std::memory_order_release);
		version_.store(ver + 2, std::memory_order_release);
	}
	unfenced_view read() const
	{
		for (;;) {
			auto v1 = version_.load(std::memory_order_acquire);
			unfenced_view v;
			v.lo = lo_.load(std::memory_order_acquire);
			v.hi = hi_.load(std::memory_order_acquire);
			v.max_seq = max_seq_.load(std::memory_order_acquire);
			v.nt_lo = nt_lo_.load(std::memory_order_acquire);
			v.nt_hi = nt_hi_.load(std::memory_order_acquire);
			v.nt_max_seq = nt_max_seq_.load(std::memory_order_acquire);
			if (!(v1 & 1) && v1 == version_.load(std::memory_order_acquire))
				return v;
		}
	}

      private:
	std::atomic<std::uint64_t> version_{0};
	std::atomic<std::uintptr_t> lo_{UINTPTR_MAX}, hi_{0};
	std::atomic<std::uint64_t> max_seq_{0};
	std::atomic<std::uintptr_t> nt_lo_{UINTPTR_MAX}, nt_hi_{0};
	std::atomic<std::uint64_t> nt_max_seq_{0};
};

/* The durability state of one map's memory: per-line and per-page marks. */
struct region {
	std::uintptr_t base; /* page-aligned */
	std::uintptr_t end;
	std::unique_ptr<std::atomic<std::uint64_t>[]> line_durable; /* newest fenced write-back */
	std::unique_ptr<std::atomic<std::uint64_t>[]> page_synced;  /* newest msync */
};

struct thread_state;

struct global_state {
	std::atomic<std::uint64_t> seq{0};
	std::atomic<std::size_t> nviolations{0};

	std::shared_mutex regions_lock; /* regions */
	std::vector<std::unique_ptr<region>> regions;

	std::shared_mutex threads_lock; /* threads, orphans */
	std::vector<thread_state *> threads;
	std::vector<unfenced_view> orphans; /* left unfenced by threads that have exited */

	std::mutex found_lock; /* found */
	std::vector<violation> found;
};

/* Never destroyed: threads may report until the very end of the process. */
global_state &global()
{
	static global_state *g = new global_state;
	return *g;
}

struct thread_state {
	/* Only the owning thread touches these. */
	std::vector<pending> list;
	unfenced_view mine;
	std::uint64_t last_fence = 0;
	/* Read by other threads. */
	published_view view;

	thread_state()
	{
		list.reserve(64);
		auto &g = global();
		std::unique_lock guard(g.threads_lock);
		g.threads.push_back(this);
	}
	~thread_state()
	{
		auto &g = global();
		std::unique_lock guard(g.threads_lock);
		g.threads.erase(std::find(g.threads.begin(), g.threads.end(), this));
		/* What this thread never fenced stays unfenced forever. */
		if (mine.hi != 0) {
			if (g.orphans.size() >= max_orphans)
				g.orphans.erase(g.orphans.begin());
			g.orphans.push_back(mine);
		}
	}
	thread_state(const thread_state &) = delete;
	thread_state &operator=(const thread_state &) = delete;
};

/* The calling thread's state. */
thread_state &self()
{
	thread_local thread_state state;
	return state;
}

void raise_to(std::atomic<std::uint64_t> &mark, std::uint64_t v)
{
	std::uint64_t cur = mark.load(std::memory_order_relaxed);
	while (cur < v && !mark.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
	}
}

/* Called right after write-backs or streaming stores: plain stores only. */
void note_pending(const void *addr, std::size_t len, bool nt)
{
	if (len == 0)
		return;
	auto b = down(reinterpret_cast<std::uintptr_t>(addr), line_size);
	auto e = up(reinterpret_cast<std::uintptr_t>(addr) + len, line_size);
	auto &t = self();
	auto seq = global().seq.load(std::memory_order_relaxed);
	bool merged = false;
	if (!t.list.empty()) {
		auto &last = t.list.back();
		if (last.seq == seq && last.nt == nt && last.end == b) {
			last.end = e;
			merged = true;
		}
	}
	if (!merged)
		t.list.push_back({b, e, seq, nt});
	auto &v = t.mine;
	v.lo = std::min(v.lo, b);
	v.hi = std::max(v.hi, e);
	v.max_seq = std::max(v.max_seq, seq);
	if (nt) {
		v.nt_lo = std::min(v.nt_lo, b);
		v.nt_hi = std::max(v.nt_hi, e);
		v.nt_max_seq = std::max(v.nt_max_seq, seq);
	}
	t.view.write(v);
}

/* Calls f(region, first line index, end line index) for each region [b, e) meets. */
template <typename F> void for_lines(global_state &g, std::uintptr_t b, std::uintptr_t e, F f)
{
	for (auto &r : g.regions) {
		auto lo = std::max(b, r->base);
		auto hi = std::min(e, r->end);
		if (lo >= hi)
			continue;
		f(*r, (down(lo, line_size) - r->base) / line_size,
		  (up(hi, line_size) - r->base) / line_size);
	}
}

region *region_containing(global_state &g, std::uintptr_t b, std::uintptr_t e)
{
	for (auto &r : g.regions)
		if (r->base <= b && e <= r->end)
			return r.get();
	return nullptr;
}

/*
 * Where [b, e) first meets any thread's unfenced work (streaming stores only:
 * nt_only) issued since s0, or 0 when it does not.
 */
std::uintptr_t others_unfenced(global_state &g, std::uintptr_t b, std::uintptr_t e,
                               std::uint64_t s0, bool nt_only)
{
	auto hit = [&](const unfenced_view &v) -> std::uintptr_t {
		if (nt_only)
			return v.any_nt(b, e, s0) ? std::max(b, v.nt_lo) : 0;
		return v.any(b, e, s0) ? std::max(b, v.lo) : 0;
	};
	std::shared_lock guard(g.threads_lock);
	for (auto *t : g.threads)
		if (auto at = hit(t->view.read()))
			return at;
	for (auto &v : g.orphans)
		if (auto at = hit(v))
			return at;
	return 0;
}

/* Whether the calling thread itself has an unfenced entry covering addr since s0. */
bool own_unfenced(const thread_state &me, std::uintptr_t addr, std::uint64_t s0)
{
	for (auto &p : me.list)
		if (p.seq >= s0 && p.begin <= addr && addr < p.end)
			return true;
	return false;
}

void record(global_state &g, const operation &op, std::uintptr_t bad, const char *reason)
{
	auto b = reinterpret_cast<std::uintptr_t>(op.dest);
	auto e = b + op.len;
	std::fprintf(stderr,
	             "persistence checker: %s [0x%" PRIxPTR ", 0x%" PRIxPTR ") at %s "
	             "granularity: byte 0x%" PRIxPTR " (offset %" PRIuPTR ") not durable: %s\n",
	             op.name, b, e, masync::pmem2::granularity_name(static_cast<int>(op.gran)), bad,
	             bad - b, reason);
	try {
		std::lock_guard guard(g.found_lock);
		g.found.push_back({op.name, b, e, bad, op.gran, reason});
	} catch (...) {
		std::fprintf(stderr, "persistence checker: out of memory recording a violation\n");
	}
	g.nviolations.fetch_add(1, std::memory_order_relaxed);
}

/* The verdict on op begun at s0; regions_lock is held (shared). */
void check(global_state &g, const operation &op, std::uint64_t s0, const thread_state &me)
{
	auto begin = reinterpret_cast<std::uintptr_t>(op.dest);
	auto end = begin + op.len;
	if (begin == end)
		return;
	region *r = region_containing(g, begin, end);
	if (r == nullptr)
		return; /* the map was replaced by another one: nothing left to judge */

	switch (op.gran) {
	case granularity::page: {
		auto ps = page_size();
		for (auto p = down(begin, ps); p < end; p += ps) {
			if (r->page_synced[(p - r->base) / ps].load(std::memory_order_relaxed) <
			    s0) {
				record(g, op, std::max(p, begin),
				       "its page was not msync'ed after the operation began");
				return;
			}
		}
		return;
	}
	case granularity::cache_line:
		for (auto l = down(begin, line_size); l < end; l += line_size) {
			auto idx = (l - r->base) / line_size;
			if (r->line_durable[idx].load(std::memory_order_relaxed) >= s0)
				continue;
			const char *why =
			    own_unfenced(me, l, s0) ||
			            others_unfenced(g, l, l + line_size, s0, false)
			        ? "its cache line was written back (or streamed) but not fenced by "
			          "the thread that did it"
			        : "its cache line was not written back after the operation began";
			record(g, op, std::max(l, begin), why);
			return;
		}
		return;
	case granularity::byte: {
		if (me.last_fence < s0) {
			record(g, op, begin,
			       "the thread completing the operation did not fence after it began");
			return;
		}
		if (auto at = others_unfenced(g, begin, end, s0, true))
			record(g, op, at,
			       "non-temporal stores into it were not fenced by the storing thread");
		return;
	}
	}
}

} // namespace

void note_flush(const void *addr, std::size_t len) noexcept
{
	note_pending(addr, len, false);
}

void note_nt_store(const void *addr, std::size_t len) noexcept
{
	note_pending(addr, len, true);
}

void note_fence() noexcept
{
	auto &t = self();
	auto &g = global();
	t.last_fence = g.seq.load(std::memory_order_relaxed);
	if (t.list.empty())
		return;
	{
		std::shared_lock guard(g.regions_lock);
		for (auto &p : t.list)
			for_lines(g, p.begin, p.end, [&](region &r, std::size_t i, std::size_t e) {
				for (; i < e; ++i)
					raise_to(r.line_durable[i], p.seq);
			});
	}
	t.list.clear();
	t.mine = unfenced_view{};
	t.view.write(t.mine);
}

void note_msync(const void *addr, std::size_t len) noexcept
{
	if (len == 0)
		return;
	auto &g = global();
	auto now = g.seq.load(std::memory_order_relaxed);
	auto b = reinterpret_cast<std::uintptr_t>(addr);
	auto e = b + len;
	auto ps = page_size();
	std::shared_lock guard(g.regions_lock);
	for_lines(g, b, e, [&](region &r, std::size_t i, std::size_t end) {
		for (; i < end; ++i)
			raise_to(r.line_durable[i], now);
	});
	for (auto &r : g.regions) {
		auto lo = std::max(b, r->base);
		auto hi = std::min(e, r->end);
		for (auto p = down(lo, ps); p < hi; p += ps)
			raise_to(r->page_synced[(p - r->base) / ps], now);
	}
}

std::uint64_t op_begin(const operation &op) noexcept
{
	auto &g = global();
	auto ps = page_size();
	auto base = down(reinterpret_cast<std::uintptr_t>(op.map_addr), ps);
	auto end = up(reinterpret_cast<std::uintptr_t>(op.map_addr) + op.map_len, ps);
	auto known = [&] {
		for (auto &r : g.regions)
			if (r->base == base && r->end == end)
				return true;
		return false;
	};
	{
		std::shared_lock guard(g.regions_lock);
		if (known())
			return g.seq.fetch_add(1, std::memory_order_relaxed) + 1;
	}
	try {
		std::unique_lock guard(g.regions_lock);
		if (!known()) {
			/* A new map: forget any older one that shared its addresses. */
			std::erase_if(g.regions, [&](const auto &r) {
				return r->base < end && base < r->end;
			});
			auto r = std::make_unique<region>();
			r->base = base;
			r->end = end;
			auto nlines = (end - base) / line_size;
			auto npages = (end - base) / ps;
			r->line_durable = std::make_unique<std::atomic<std::uint64_t>[]>(nlines);
			r->page_synced = std::make_unique<std::atomic<std::uint64_t>[]>(npages);
			for (std::size_t i = 0; i < nlines; ++i)
				r->line_durable[i].store(0, std::memory_order_relaxed);
			for (std::size_t i = 0; i < npages; ++i)
				r->page_synced[i].store(0, std::memory_order_relaxed);
			g.regions.push_back(std::move(r));
		}
	} catch (...) {
		std::fprintf(stderr, "persistence checker: out of memory, %s not tracked\n",
		             op.name);
		return 0;
	}
	return g.seq.fetch_add(1, std::memory_order_relaxed) + 1;
}

void op_complete(std::uint64_t id, const operation &op) noexcept
{
	if (id == 0)
		return;
	auto &me = self();
	auto &g = global();
	std::shared_lock guard(g.regions_lock);
	check(g, op, id, me);
}

std::vector<violation> violations()
{
	auto &g = global();
	std::lock_guard guard(g.found_lock);
	return g.found;
}

std::size_t violation_count() noexcept
{
	return global().nviolations.load(std::memory_order_relaxed);
}

void clear_violations() noexcept
{
	auto &g = global();
	std::lock_guard guard(g.found_lock);
	g.found.clear();
	g.nviolations.store(0, std::memory_order_relaxed);
}

} // namespace masync::persistence_checker

#endif
