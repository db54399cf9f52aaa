/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/persistence_checker.cpp -- the tracker behind
 * persistence_checker.hpp (compiled to nothing without the build option).
 */
#include "common/persistence_checker.hpp"

#ifdef MASYNC_PERSISTENCE_CHECKER

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <mutex>
#include <unordered_map>

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

/* The durability state of one map's memory. */
struct region {
	std::uintptr_t base; /* page-aligned */
	std::uintptr_t end;
	std::vector<std::uint64_t> line_durable; /* newest fenced write-back or msync */
	std::vector<std::uint64_t> page_synced;  /* newest msync */
};

struct operation {
	const char *name;
	std::uintptr_t begin;
	std::uintptr_t end;
	granularity gran;
	std::uint64_t s0;
};

struct thread_state;

struct global_state {
	std::atomic<std::uint64_t> seq{0};
	std::atomic<std::size_t> nviolations{0};
	std::mutex lock; /* everything below */
	std::vector<thread_state *> threads;
	std::vector<std::unique_ptr<region>> regions;
	std::unordered_map<std::uint64_t, operation> ops;
	std::vector<violation> found;
	std::vector<pending> orphans; /* left unfenced by threads that have exited */
};

/* Never destroyed: threads may report until the very end of the process. */
global_state &global()
{
	static global_state *g = new global_state;
	return *g;
}

struct thread_state {
	std::mutex lock; /* list */
	std::vector<pending> list;
	std::uint64_t last_fence = 0; /* only this thread reads and writes it */

	thread_state()
	{
		auto &g = global();
		std::lock_guard guard(g.lock);
		g.threads.push_back(this);
	}
	~thread_state()
	{
		auto &g = global();
		std::lock_guard guard(g.lock);
		g.threads.erase(std::find(g.threads.begin(), g.threads.end(), this));
		/* What this thread never fenced stays unfenced forever. */
		std::lock_guard own(lock);
		g.orphans.insert(g.orphans.end(), list.begin(), list.end());
		if (g.orphans.size() > max_orphans)
			g.orphans.erase(g.orphans.begin(),
			                g.orphans.begin() + static_cast<long>(max_orphans / 2));
	}
	thread_state(const thread_state &) = delete;
	thread_state &operator=(const thread_state &) = delete;
};

/* The calling thread's state. Must not be first called with global().lock held. */
thread_state &self()
{
	thread_local thread_state state;
	return state;
}

void note_pending(const void *addr, std::size_t len, bool nt)
{
	if (len == 0)
		return;
	auto b = down(reinterpret_cast<std::uintptr_t>(addr), line_size);
	auto e = up(reinterpret_cast<std::uintptr_t>(addr) + len, line_size);
	auto &t = self();
	auto seq = global().seq.load(std::memory_order_relaxed);
	std::lock_guard guard(t.lock);
	if (!t.list.empty()) {
		auto &last = t.list.back();
		if (last.seq == seq && last.nt == nt && last.end == b) {
			last.end = e;
			return;
		}
	}
	t.list.push_back({b, e, seq, nt});
}

/* Applies f(region, first index, last index + 1) to the lines of [b, e) in each region. */
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

/* The unfenced entry of any thread that covers addr and was issued at or after s0. */
const pending *find_unfenced(global_state &g, std::uintptr_t addr, std::uint64_t s0, bool nt_only,
                             pending *out)
{
	auto match = [&](const pending &p) {
		return p.seq >= s0 && p.begin <= addr && addr < p.end && (!nt_only || p.nt);
	};
	for (auto *t : g.threads) {
		std::lock_guard guard(t->lock);
		for (auto &p : t->list) {
			if (match(p)) {
				*out = p;
				return out;
			}
		}
	}
	for (auto &p : g.orphans) {
		if (match(p)) {
			*out = p;
			return out;
		}
	}
	return nullptr;
}

const char *granularity_name(granularity g)
{
	switch (g) {
	case granularity::byte:
		return "BYTE";
	case granularity::cache_line:
		return "CACHE_LINE";
	case granularity::page:
		return "PAGE";
	}
	return "?";
}

void record(global_state &g, const operation &op, std::uintptr_t bad, std::string reason)
{
	std::fprintf(stderr,
	             "persistence checker: %s [0x%" PRIxPTR ", 0x%" PRIxPTR ") at %s "
	             "granularity: byte 0x%" PRIxPTR " (offset %" PRIuPTR ") not durable: %s\n",
	             op.name, op.begin, op.end, granularity_name(op.gran), bad, bad - op.begin,
	             reason.c_str());
	g.found.push_back({op.name, op.begin, op.end, bad, op.gran, std::move(reason)});
	g.nviolations.fetch_add(1, std::memory_order_relaxed);
}

void check(global_state &g, const operation &op, const thread_state &me)
{
	if (op.begin == op.end)
		return;
	region *r = region_containing(g, op.begin, op.end);
	if (r == nullptr)
		return; /* the map was replaced by another one: nothing left to judge */

	switch (op.gran) {
	case granularity::page: {
		auto ps = page_size();
		for (auto p = down(op.begin, ps); p < op.end; p += ps) {
			if (r->page_synced[(p - r->base) / ps] < op.s0) {
				record(g, op, std::max(p, op.begin),
				       "its page was not msync'ed after the operation began");
				return;
			}
		}
		return;
	}
	case granularity::cache_line:
		for (auto l = down(op.begin, line_size); l < op.end; l += line_size) {
			if (r->line_durable[(l - r->base) / line_size] >= op.s0)
				continue;
			pending p;
			const char *why =
			    find_unfenced(g, l, op.s0, false, &p)
			        ? (p.nt ? "its non-temporal stores were not fenced by the storing "
			                  "thread"
			                : "its cache line was written back but the write-back was "
			                  "not fenced by the flushing thread")
			        : "its cache line was not written back after the operation began";
			record(g, op, std::max(l, op.begin), why);
			return;
		}
		return;
	case granularity::byte: {
		if (me.last_fence < op.s0) {
			record(g, op, op.begin,
			       "the thread completing the operation did not fence after it began");
			return;
		}
		for (auto l = down(op.begin, line_size); l < op.end; l += line_size) {
			pending p;
			if (find_unfenced(g, l, op.s0, true, &p)) {
				record(g, op, std::max(l, op.begin),
				       "its non-temporal stores were not fenced by the storing "
				       "thread");
				return;
			}
		}
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
	std::vector<pending> fenced;
	{
		std::lock_guard guard(t.lock);
		t.last_fence = g.seq.load(std::memory_order_relaxed);
		fenced.swap(t.list);
	}
	if (fenced.empty())
		return;
	std::lock_guard guard(g.lock);
	for (auto &p : fenced)
		for_lines(g, p.begin, p.end, [&](region &r, std::size_t i, std::size_t e) {
			for (; i < e; ++i)
				r.line_durable[i] = std::max(r.line_durable[i], p.seq);
		});
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
	std::lock_guard guard(g.lock);
	for_lines(g, b, e, [&](region &r, std::size_t i, std::size_t end) {
		for (; i < end; ++i)
			r.line_durable[i] = std::max(r.line_durable[i], now);
	});
	for (auto &r : g.regions) {
		auto lo = std::max(b, r->base);
		auto hi = std::min(e, r->end);
		for (auto p = down(lo, ps); p < hi; p += ps) {
			auto &v = r->page_synced[(p - r->base) / ps];
			v = std::max(v, now);
		}
	}
}

std::uint64_t op_begin(const char *name, const void *map_addr, std::size_t map_len,
                       const void *dest, std::size_t len, granularity gran) noexcept
{
	auto &g = global();
	auto s0 = g.seq.fetch_add(1, std::memory_order_relaxed) + 1;
	auto ps = page_size();
	auto base = down(reinterpret_cast<std::uintptr_t>(map_addr), ps);
	auto end = up(reinterpret_cast<std::uintptr_t>(map_addr) + map_len, ps);
	try {
		std::lock_guard guard(g.lock);
		bool known = false;
		for (auto &r : g.regions)
			known = known || (r->base == base && r->end == end);
		if (!known) {
			/* A new map: forget any older one that shared its addresses. */
			std::erase_if(g.regions, [&](const auto &r) {
				return r->base < end && base < r->end;
			});
			auto r = std::make_unique<region>();
			r->base = base;
			r->end = end;
			r->line_durable.assign((end - base) / line_size, 0);
			r->page_synced.assign((end - base) / ps, 0);
			g.regions.push_back(std::move(r));
		}
		auto b = reinterpret_cast<std::uintptr_t>(dest);
		g.ops.emplace(s0, operation{name, b, b + len, gran, s0});
	} catch (...) {
		std::fprintf(stderr, "persistence checker: out of memory, %s not tracked\n", name);
		return 0;
	}
	return s0;
}

void op_end(std::uint64_t id, bool completed) noexcept
{
	if (id == 0)
		return;
	auto &me = self();
	auto &g = global();
	std::lock_guard guard(g.lock);
	auto it = g.ops.find(id);
	if (it == g.ops.end())
		return;
	operation op = it->second;
	g.ops.erase(it);
	if (completed) {
		try {
			check(g, op, me);
		} catch (...) {
			std::fprintf(stderr, "persistence checker: out of memory checking %s\n",
			             op.name);
		}
	}
}

std::vector<violation> violations()
{
	auto &g = global();
	std::lock_guard guard(g.lock);
	return g.found;
}

std::size_t violation_count() noexcept
{
	return global().nviolations.load(std::memory_order_relaxed);
}

void clear_violations() noexcept
{
	auto &g = global();
	std::lock_guard guard(g.lock);
	g.found.clear();
	g.nviolations.store(0, std::memory_order_relaxed);
}

} // namespace masync::persistence_checker

#endif
