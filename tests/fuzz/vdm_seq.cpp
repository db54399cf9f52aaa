/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/fuzz/vdm_seq.cpp -- libFuzzer target: vdm call sequences on every
 * mover.
 *
 * The input picks a mover -- the sync mover, a threads mover with odd
 * options (0 and huge thread counts and queue sizes, each notifier kind,
 * an invalid one), or libpmem2's default mover of an anonymous map -- then
 * runs a program of operations over a 64 KiB arena split into 8 lanes:
 * memcpy, memmove (overlapping either way), memset and flush of random
 * sizes including 0, two-entry chains (memmove then memset), each future
 * owning one lane while pending; futures are polled one at a time in an
 * input-chosen order, or all together with runtime_wait_multiple.
 *
 * Oracle: each lane equals a plain memmove/memset model byte for byte when
 * its future completes; every future completes exactly once (polling a
 * completed future again changes nothing and keeps COMPLETE); results are
 * VDM_SUCCESS with the documented output pointers; nothing is left pending
 * when the mover is deleted; no crash, leak or UB.
 * DSA mover: when src/miniasync grows one, add it as mover kind 3 in
 * make_mover() (hook below).
 */
#define PMEM2_USE_MINIASYNC 1
#include <libminiasync.h>
#include <libpmem2.h>

#include "fuzz/fuzz_input.hpp"
#include "pmem2/map.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace
{

constexpr std::size_t kLanes = 8;
constexpr std::size_t kLane = 8192;

struct chain_data {
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, move);
	FUTURE_CHAIN_ENTRY_LAST(struct vdm_operation_future, fill);
};
struct chain_output {
	void *fill_str;
};
FUTURE(chain_future, struct chain_data, struct chain_output);

void chain_done(struct future_context *lhs, struct future_context *rhs, void *)
{
	auto *out = static_cast<vdm_operation_output *>(future_context_get_output(lhs));
	auto *res = static_cast<chain_output *>(future_context_get_output(rhs));
	res->fill_str = out->result == VDM_SUCCESS ? out->output.memset.str : nullptr;
}

struct Pending {
	bool used = false;
	bool chain = false;
	bool done = false;
	vdm_operation_future op;
	chain_future ch;
	vdm_operation_type type = VDM_OPERATION_MEMCPY;
	void *expect_out = nullptr;
	future *fut() { return chain ? FUTURE_AS_RUNNABLE(&ch) : FUTURE_AS_RUNNABLE(&op); }
};

struct Mover {
	data_mover_sync *dms = nullptr;
	data_mover_threads *dmt = nullptr;
	pmem2_source *src = nullptr;
	pmem2_config *cfg = nullptr;
	pmem2_map *map = nullptr;
	vdm *v = nullptr;

	~Mover()
	{
		data_mover_sync_delete(dms);
		data_mover_threads_delete(dmt);
		if (map)
			pmem2_map_delete(&map);
		if (cfg)
			pmem2_config_delete(&cfg);
		if (src)
			pmem2_source_delete(&src);
	}
};

bool make_mover(Mover &m, fuzz::Input &in)
{
	switch (in.u8() % 3) {
	case 0:
		m.dms = data_mover_sync_new();
		if (!m.dms)
			fuzz::fail("data_mover_sync_new");
		m.v = data_mover_sync_get_vdm(m.dms);
		return true;
	case 1: {
		static const std::size_t threads[] = {0, 1, 2, 3, 1025, SIZE_MAX};
		static const std::size_t rings[] = {0,       1, 2, 3, 7, 64, std::size_t{1} << 40,
		                                    SIZE_MAX};
		std::size_t nt = threads[in.u8() % 6];
		std::size_t rs = rings[in.u8() % 8];
		int notifier = static_cast<int>(in.u8() % 4); /* 3 is invalid */
		errno = 0;
		m.dmt = data_mover_threads_new(nt, rs, static_cast<future_notifier_type>(notifier));
		if (!m.dmt) {
			if (errno == 0)
				fuzz::fail("data_mover_threads_new failed without errno");
			return false;
		}
		m.v = data_mover_threads_get_vdm(m.dmt);
		return true;
	}
	/* case 3: the DSA mover, once it exists */
	default:
		if (pmem2_source_from_anon(&m.src, 4096) || pmem2_config_new(&m.cfg) ||
		    pmem2_config_set_required_store_granularity(m.cfg, PMEM2_GRANULARITY_PAGE) ||
		    pmem2_map_new(&m.map, m.cfg, m.src))
			fuzz::fail("anonymous pmem2 map for the default mover");
		m.v = m.map->vdm;
		return m.v != nullptr;
	}
}

struct Arena {
	alignas(64) unsigned char real[kLanes * kLane];
	unsigned char model[kLanes * kLane];
};

void check_lane(const Arena &a, std::size_t lane)
{
	if (std::memcmp(a.real + lane * kLane, a.model + lane * kLane, kLane) != 0) {
		std::size_t k = 0;
		while (a.real[lane * kLane + k] == a.model[lane * kLane + k])
			++k;
		fuzz::fail("lane differs from the memmove/memset model", static_cast<long>(lane),
		           static_cast<long>(k));
	}
}

void complete(Pending &p, Arena &a, std::size_t lane)
{
	if (p.done)
		fuzz::fail("future completed twice", static_cast<long>(lane));
	p.done = true;
	if (p.chain) {
		auto *o = FUTURE_OUTPUT(&p.ch.data.move.fut);
		if (o->result != VDM_SUCCESS || FUTURE_OUTPUT(&p.ch)->fill_str != p.expect_out)
			fuzz::fail("chain result", o->result);
	} else {
		auto *o = FUTURE_OUTPUT(&p.op);
		if (o->result != VDM_SUCCESS)
			fuzz::fail("operation failed", o->result);
		void *got = nullptr;
		switch (p.type) {
		case VDM_OPERATION_MEMCPY:
			got = o->output.memcpy.dest;
			break;
		case VDM_OPERATION_MEMMOVE:
			got = o->output.memmove.dest;
			break;
		case VDM_OPERATION_MEMSET:
			got = o->output.memset.str;
			break;
		default:
			got = p.expect_out;
			break;
		}
		if (got != p.expect_out)
			fuzz::fail("output pointer", static_cast<long>(p.type));
	}
	check_lane(a, lane);
	/* polling a completed future again is a no-op */
	if (future_poll(p.fut(), nullptr) != FUTURE_STATE_COMPLETE)
		fuzz::fail("completed future left COMPLETE");
	check_lane(a, lane);
	p.used = false;
}

void start(Pending &p, Mover &m, Arena &a, std::size_t lane, fuzz::Input &in)
{
	unsigned char *r = a.real + lane * kLane;
	unsigned char *md = a.model + lane * kLane;
	std::size_t n = in.u16() % (kLane + 1);
	if (in.u8() & 1)
		n &= 0xff; /* often small */
	std::size_t doff = in.u16() % (kLane - n + 1);
	std::size_t soff = in.u16() % (kLane - n + 1);
	std::uint64_t flags = in.u8() & 1 ? (in.u8() & VDM_F_VALID_FLAGS) : 0;
	int c = in.u8();
	p = Pending{};
	p.used = true;
	switch (in.u8() % 5) {
	case 0: { /* memcpy: dest and src must not overlap */
		if (doff < soff + n && soff < doff + n) {
			if (n > kLane / 2)
				n = kLane / 2;
			doff = 0;
			soff = kLane - n;
		}
		std::memcpy(md + doff, md + soff, n);
		p.type = VDM_OPERATION_MEMCPY;
		p.expect_out = r + doff;
		p.op = vdm_memcpy(m.v, r + doff, r + soff, n, flags);
		break;
	}
	case 1:
		std::memmove(md + doff, md + soff, n);
		p.type = VDM_OPERATION_MEMMOVE;
		p.expect_out = r + doff;
		p.op = vdm_memmove(m.v, r + doff, r + soff, n, flags);
		break;
	case 2:
		std::memset(md + doff, c, n);
		p.type = VDM_OPERATION_MEMSET;
		p.expect_out = r + doff;
		p.op = vdm_memset(m.v, r + doff, c, n, flags);
		break;
	case 3:
		p.type = VDM_OPERATION_FLUSH;
		p.expect_out = nullptr;
		p.op = vdm_flush(m.v, r + doff, n, flags);
		break;
	default: { /* chain: memmove then memset of the moved range's head */
		std::size_t fill = n / 2;
		std::memmove(md + doff, md + soff, n);
		std::memset(md + doff, c, fill);
		p.chain = true;
		p.expect_out = r + doff;
		auto mv = vdm_memmove(m.v, r + doff, r + soff, n, flags);
		auto fs = vdm_memset(m.v, r + doff, c, fill, flags);
		FUTURE_CHAIN_ENTRY_INIT(&p.ch.data.move, mv, nullptr, nullptr);
		FUTURE_CHAIN_ENTRY_INIT(&p.ch.data.fill, fs, chain_done, nullptr);
		p.ch.output.fill_str = nullptr;
		FUTURE_CHAIN_INIT(&p.ch);
		if (mv.output.result == VDM_ERROR_OUT_OF_MEMORY ||
		    fs.output.result == VDM_ERROR_OUT_OF_MEMORY) {
			/* no record for one entry: run it out, take what it did */
			FUTURE_BUSY_POLL(&p.ch);
			std::memcpy(md, r, kLane);
			p.used = false;
		}
		break;
	}
	}
	/* a mover with no record fails at creation: the model must then stand */
	if (!p.chain && p.op.output.result == VDM_ERROR_OUT_OF_MEMORY) {
		std::memcpy(md, r, kLane);
		p.used = false;
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	fuzz::Input in(data, size);
	Mover m;
	if (!make_mover(m, in))
		return 0;
	static Arena a;
	for (std::size_t k = 0; k < sizeof(a.real); ++k)
		a.real[k] = a.model[k] = static_cast<unsigned char>(k * 31 + (k >> 8));
	Pending pend[kLanes];
	runtime *rt = runtime_new();
	if (!rt)
		fuzz::fail("runtime_new");
	for (int steps = 0; steps < 96 && !in.empty(); ++steps) {
		unsigned op = in.u8();
		std::size_t lane = (op >> 3) % kLanes;
		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			if (!pend[lane].used)
				start(pend[lane], m, a, lane, in);
			break;
		case 3:
		case 4: /* one poll of one future */
			if (pend[lane].used &&
			    future_poll(pend[lane].fut(), nullptr) == FUTURE_STATE_COMPLETE)
				complete(pend[lane], a, lane);
			break;
		case 5: { /* wait on a mix of pending (and some completed) futures */
			future *futs[kLanes];
			std::size_t idx[kLanes];
			std::size_t n = 0;
			unsigned mask = in.u8();
			for (std::size_t k = 0; k < kLanes; ++k)
				if (pend[k].used && (mask & (1u << k))) {
					idx[n] = k;
					futs[n++] = pend[k].fut();
				}
			runtime_wait_multiple(rt, futs, n);
			for (std::size_t k = 0; k < n; ++k) {
				if (futs[k]->context.state != FUTURE_STATE_COMPLETE)
					fuzz::fail("runtime_wait_multiple returned early");
				complete(pend[idx[k]], a, idx[k]);
			}
			break;
		}
		default: /* wait on one */
			if (pend[lane].used) {
				runtime_wait(rt, pend[lane].fut());
				complete(pend[lane], a, lane);
			}
			break;
		}
	}
	for (std::size_t k = 0; k < kLanes; ++k)
		if (pend[k].used) {
			runtime_wait(rt, pend[k].fut());
			complete(pend[k], a, k);
		}
	runtime_delete(rt);
	if (std::memcmp(a.real, a.model, sizeof(a.real)) != 0)
		fuzz::fail("arena differs from the model at the end");
	return 0;
}
