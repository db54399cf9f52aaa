/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/map_registry.cpp -- the registry of live maps (map_registry.hpp).
 *
 * Readers never lock. The ranges live in an immutable snapshot, an array
 * sorted by start address (ranges are disjoint, so their ends are sorted
 * too), published through an atomic pointer. A writer (add/remove, one at
 * a time under a mutex) builds the next snapshot, swaps it in and frees the
 * old one after a grace period: readers announce themselves in one of two
 * counters, chosen by the current epoch; the writer flips the epoch after
 * the swap and waits until the old epoch's counter drains. A reader counted
 * under the new epoch loaded the pointer after the flip, hence after the
 * swap, so it cannot hold the old snapshot. (All accesses of the protocol
 * are sequentially consistent; see reader below.)
 */
#include "pmem2/map_registry.hpp"

#include "pmem2/map.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <thread>
#include <vector>

namespace masync::pmem2
{

namespace
{

struct range {
	std::uintptr_t start;
	std::uintptr_t end; /* exclusive */
	pmem2_map *map;
};

/* What readers see: never changed once published. */
struct snapshot {
	std::vector<range> ranges; /* by start address, never empty */
};

/* Read-mostly: the published snapshot (nullptr: no map) and the epoch. */
struct alignas(64) published {
	std::atomic<const snapshot *> current{nullptr};
	std::atomic<unsigned> epoch{0};
};
constinit published pub;

/* Readers inside a lookup, per epoch parity (written by every lookup). */
struct alignas(64) reader_counts {
	std::atomic<std::uint64_t> n[2]{};
};
constinit reader_counts readers;

/* Writers' state; never destroyed: maps may be deleted from static destructors. */
struct writer_state {
	std::mutex lock;
	std::set<pmem2_map *> empty; /* zero-length maps: hold no bytes */
	std::size_t ranges = 0;      /* entries of the published snapshot */
};

writer_state &writers()
{
	static writer_state *w = new writer_state;
	return *w;
}

/* A reader's presence for the lifetime of the object; see the file comment. */
class reader
{
      public:
	reader() noexcept
	{
		for (;;) {
			parity_ = pub.epoch.load() & 1;
			readers.n[parity_].fetch_add(1);
			if ((pub.epoch.load() & 1) == parity_)
				break;
			readers.n[parity_].fetch_sub(1); /* a writer flipped meanwhile: again */
		}
		snap_ = pub.current.load();
	}
	~reader() { readers.n[parity_].fetch_sub(1); }
	reader(const reader &) = delete;
	reader &operator=(const reader &) = delete;

	const snapshot *snap() const noexcept { return snap_; }

      private:
	unsigned parity_;
	const snapshot *snap_;
};

/* Publishes next (writer lock held) and frees the snapshot it replaces. */
void publish(const snapshot *next)
{
	const snapshot *old = pub.current.exchange(next);
	const unsigned was = pub.epoch.load();
	pub.epoch.store(was + 1);
	/* Readers that may hold `old` are counted under the old parity. */
	while (readers.n[was & 1].load() != 0)
		std::this_thread::yield();
	delete old;
}

/* [start, end) of a map of non-zero length. */
void range_of(const pmem2_map *map, std::uintptr_t *start, std::uintptr_t *end)
{
	*start = reinterpret_cast<std::uintptr_t>(map->addr);
	*end = *start + map->content_length;
	if (*end < *start) /* wraps around the address space */
		*end = UINTPTR_MAX;
}

/* The first range ending after a: the one containing a, or the next one. */
std::vector<range>::const_iterator first_ending_after(const snapshot &s, std::uintptr_t a)
{
	return std::upper_bound(s.ranges.begin(), s.ranges.end(), a,
	                        [](std::uintptr_t x, const range &r) { return x < r.end; });
}

/* A copy of the published ranges with `change` applied, or nullptr when out of memory. */
template <typename Change> snapshot *edited(Change change) noexcept
{
	const snapshot *cur = pub.current.load();
	try {
		auto next = std::make_unique<snapshot>();
		if (cur != nullptr)
			next->ranges = cur->ranges;
		change(next->ranges);
		return next.release();
	} catch (const std::bad_alloc &) {
		return nullptr;
	}
}

} // namespace

int registry_add(pmem2_map *map) noexcept
{
	writer_state &w = writers();
	std::lock_guard guard(w.lock);
	if (map->content_length == 0) {
		try {
			w.empty.insert(map);
		} catch (const std::bad_alloc &) {
			return -ENOMEM;
		}
		return 0;
	}

	std::uintptr_t start, end;
	range_of(map, &start, &end);
	const snapshot *cur = pub.current.load();
	if (cur != nullptr) {
		/* the first range ending after start is the only possible overlap */
		auto it = first_ending_after(*cur, start);
		if (it != cur->ranges.end() && it->start < end)
			return PMEM2_E_MAPPING_EXISTS;
	}
	snapshot *next = edited([&](std::vector<range> &v) {
		auto at =
		    std::upper_bound(v.begin(), v.end(), start,
		                     [](std::uintptr_t x, const range &r) { return x < r.start; });
		v.insert(at, range{start, end, map});
	});
	if (next == nullptr)
		return -ENOMEM;
	w.ranges = next->ranges.size();
	publish(next);
	return 0;
}

int registry_remove(pmem2_map *map) noexcept
{
	writer_state &w = writers();
	std::lock_guard guard(w.lock);
	if (map->content_length == 0)
		return w.empty.erase(map) ? 0 : PMEM2_E_MAPPING_NOT_FOUND;
	const snapshot *cur = pub.current.load();
	const auto a = reinterpret_cast<std::uintptr_t>(map->addr);
	if (cur == nullptr)
		return PMEM2_E_MAPPING_NOT_FOUND;
	auto it = first_ending_after(*cur, a);
	if (it == cur->ranges.end() || it->start != a || it->map != map)
		return PMEM2_E_MAPPING_NOT_FOUND;
	const std::size_t index = static_cast<std::size_t>(it - cur->ranges.begin());
	if (cur->ranges.size() == 1) {
		w.ranges = 0;
		publish(nullptr);
		return 0;
	}
	snapshot *next = edited([&](std::vector<range> &v) {
		v.erase(v.begin() + static_cast<std::ptrdiff_t>(index));
	});
	if (next == nullptr)
		return -ENOMEM; /* the map stays registered; the caller reports it */
	w.ranges = next->ranges.size();
	publish(next);
	return 0;
}

pmem2_map *registry_find(const void *addr) noexcept
{
	reader r;
	if (r.snap() == nullptr)
		return nullptr;
	const auto a = reinterpret_cast<std::uintptr_t>(addr);
	auto it = first_ending_after(*r.snap(), a);
	return it != r.snap()->ranges.end() && it->start <= a ? it->map : nullptr;
}

std::size_t for_each_mapped_part(const void *addr, std::size_t len, mapped_part_fn fn,
                                 void *ctx) noexcept
{
	if (len == 0)
		return 0;
	std::uintptr_t start = reinterpret_cast<std::uintptr_t>(addr);
	std::uintptr_t end = start + len;
	if (end < start)
		end = UINTPTR_MAX;

	reader r;
	if (r.snap() == nullptr)
		return 0;
	std::size_t parts = 0;
	for (auto it = first_ending_after(*r.snap(), start);
	     it != r.snap()->ranges.end() && it->start < end; ++it) {
		std::uintptr_t b = std::max(it->start, start);
		std::uintptr_t e = std::min(it->end, end);
		fn(ctx, it->map, reinterpret_cast<void *>(b), e - b);
		++parts;
	}
	return parts;
}

std::size_t registry_size() noexcept
{
	writer_state &w = writers();
	std::lock_guard guard(w.lock);
	return w.ranges + w.empty.size();
}

} // namespace masync::pmem2
