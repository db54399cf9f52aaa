/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "copy_map.hpp"
#include "mover.hpp"
#include "tool.hpp"

#include <masync/pmem2.hpp>
#include <masync/runtime.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <type_traits>

namespace masync::tool
{
namespace
{

namespace pm = masync::pmem2;

/*
 * DST as a libpmem2 source, and the config its chunks are mapped with
 * (shared, PAGE granularity or finer, the chosen mover). Every libpmem2
 * failure becomes a failure naming DST.
 */
class dst_maps
{
      public:
	dst_maps(int fd, struct vdm *vdm, const std::string &dst) : dst_(dst)
	{
		guard([&] {
			src_ = pm::source::from_fd(fd);
			cfg_.emplace();
			cfg_->set_required_store_granularity(pm::granularity::page);
			if (vdm != nullptr)
				cfg_->set_vdm(vdm);
		});
	}

	std::size_t alignment() const
	{
		return guard([&] { return src_.alignment(); });
	}

	/* A map of [off, off + len) of DST (len 0: to its end). */
	pm::map map(std::uint64_t off, std::size_t len)
	{
		return guard([&] {
			cfg_->set_offset(std::size_t(off)).set_length(len);
			return pm::map(*cfg_, src_);
		});
	}

      private:
	template <class F> std::invoke_result_t<F &> guard(F &&f) const
	{
		try {
			return f();
		} catch (const masync::error &e) {
			throw failure("cannot map " + in_quotes(dst_) + ": " + e.what());
		}
	}

	std::string dst_;
	pm::source src_;
	std::optional<pm::config> cfg_;
};

/* One chunk in flight; the future is declared last, so it completes before the maps go. */
struct slot {
	std::uint64_t off = 0;
	std::size_t len = 0;
	pm::map map;        /* DST's [off, off + len) */
	unique_mapping src; /* SRC's [off, off + len) */
	pm::async_future fut;

	/* Maps both ranges; throws failure. */
	void map_ranges(int src_fd, dst_maps &dsts, bool last, const std::string &src_name)
	{
		src = unique_mapping(src_fd, len, off, "the source " + in_quotes(src_name));
		map = dsts.map(off, last ? 0 : len);
	}

	/*
	 * Creates the chunk's future and starts it. A future is lazy: its
	 * operation reaches the mover when it is first polled, and
	 * runtime_wait polls only the future it waits for. So each one is
	 * polled once here (no notifier: the runtime then re-polls it with
	 * its back-off while it waits, every millisecond at most), which puts
	 * its operation in the mover's queue at once: the workers always have
	 * the next chunks queued instead of waiting, each time, for the
	 * waiting thread to complete the oldest and start one more.
	 */
	void start()
	{
		fut = map.memcpy_async(map.address(), src.bytes(), len);
		fut.poll();
	}

	/* Waits for the chunk; false (and *why) when it was not written. */
	bool finish(const masync::runtime &rt, std::string &why)
	{
		rt.wait(fut);
		try {
			fut.result();
			return true;
		} catch (const masync::error &e) {
			why = e.what();
			return false;
		}
	}

	/* Unmaps both (the chunk's future, if any, has completed). */
	void release()
	{
		fut = pm::async_future();
		map = pm::map();
		src.reset();
	}
};

} // namespace

const char *durability_of(enum pmem2_granularity g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "fenced (BYTE granularity: no flush needed)";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "cache lines flushed and fenced (CACHE_LINE granularity)";
	case PMEM2_GRANULARITY_PAGE:
		return "msync of each chunk (PAGE granularity)";
	}
	return "?";
}

dst_probe probe_dst(int dst_fd, std::uint64_t size, const std::string &dst)
{
	dst_maps probe(dst_fd, nullptr, dst);
	dst_probe p;
	p.alignment = probe.alignment();
	std::size_t unit = std::max<std::size_t>(p.alignment, std::size_t(sysconf(_SC_PAGESIZE)));
	pm::map m = probe.map(0, size >= unit ? unit : 0);
	p.granularity = static_cast<enum pmem2_granularity>(m.store_granularity());
	return p;
}

void map_copy(int src_fd, int dst_fd, std::uint64_t size, const copy_options &o, bool existed,
              allocator &alloc, copy_report &r, progress &bar)
{
	mover m(o.mover, o.threads);
	r.mover = m.description();
	dst_maps dsts(dst_fd, m.vdm(), o.dst);
	const unsigned want_in_flight =
	    o.in_flight ? o.in_flight : default_in_flight(o.mover, m.threads());
	masync::runtime rt;
	r.method = "pmem2_memcpy_async";

	const std::uint64_t nchunks = (size + r.chunk - 1) / r.chunk;
	std::unique_ptr<slot[]> ring(new slot[want_in_flight]);
	std::uint64_t next = 0, done = 0, bytes_done = 0;
	std::string error;

	while (done < next || (next < nchunks && error.empty())) {
		/* Fill the ring: allocate the chunk's blocks, map it, start its future. */
		while (error.empty() && next < nchunks && next - done < want_in_flight) {
			slot &s = ring[next % want_in_flight];
			s.off = next * r.chunk;
			s.len = std::size_t(std::min<std::uint64_t>(r.chunk, size - s.off));
			try {
				alloc.ensure(s.off + s.len);
				s.map_ranges(src_fd, dsts, next + 1 == nchunks, o.src);
			} catch (const failure &e) {
				s.release();
				error = e.what();
				break;
			}
			s.start();
			++next;
			++r.futures;
			r.in_flight = std::max(r.in_flight, unsigned(next - done));
		}
		if (done == next)
			break;
		/* Complete the oldest (they finish about in order), then unmap it. */
		slot &s = ring[done % want_in_flight];
		std::string why;
		if (!s.finish(rt, why) && error.empty())
			error = "copying bytes " + std::to_string(s.off) + "-" +
			        std::to_string(s.off + s.len) + " failed: " + why;
		s.release();
		++done;
		bytes_done += s.len;
		bar.update(bytes_done);
	}
	bar.finish();
	if (!error.empty())
		throw failure(error + "; " + in_quotes(o.dst) +
		              (existed ? " keeps its old content" : " was not created"));
}

} // namespace masync::tool
