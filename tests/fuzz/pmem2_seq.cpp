/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/fuzz/pmem2_seq.cpp -- libFuzzer target: libpmem2 call sequences.
 *
 * Each input is a program of one-byte opcodes with their arguments (see
 * fuzz_input.hpp; a short input ends in zeros). It drives configs (invalid
 * enums, huge and unaligned offsets and lengths, sharing, protection, the
 * vdm), sources (files of random sizes in a private directory under /tmp,
 * a directory, O_RDONLY, closed and -1 descriptors, anonymous), map
 * new/delete, VM reservations (placements inside one another, extend,
 * shrink, map_find*), badblock contexts on the non-DAX files, and the
 * map's memory functions and async operations within and at the edges of
 * the mapping. Everything is freed at the end of each input, so
 * LeakSanitizer sees leaks per input.
 *
 * Oracle: no crash, leak or UB (the sanitizers); every failing call returns
 * a negative code and leaves a non-empty pmem2_errormsg(); every map made
 * with read/write protection is readable and writable over its whole
 * length (one byte per page, and the last byte, written and read back);
 * the memory functions leave exactly the bytes a plain memmove/memset
 * would.
 */
#define PMEM2_USE_MINIASYNC 1
#include <libminiasync.h>
#include <libpmem2.h>

#include "fuzz/fuzz_input.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

/* C callers (c_calls.c): C may pass any int where an enum is expected. */
extern "C" int fuzz_c_set_granularity(struct pmem2_config *cfg, int g);
extern "C" int fuzz_c_set_sharing(struct pmem2_config *cfg, int t);

namespace
{

constexpr std::size_t kSlots = 4;
constexpr std::size_t kPage = 4096;
/* Maps larger than this are only touched at both ends. */
constexpr std::size_t kTouchAll = 4u << 20;

std::string g_dir;

void remove_dir()
{
	if (g_dir.empty())
		return;
	for (int i = 0; i < 8; ++i)
		unlink((g_dir + "/f" + std::to_string(i)).c_str());
	rmdir((g_dir + "/d").c_str());
	rmdir(g_dir.c_str());
}

void make_dir()
{
	char tmpl[] = "/tmp/masync-fuzz-XXXXXX";
	if (!mkdtemp(tmpl))
		fuzz::fail("mkdtemp", errno);
	g_dir = tmpl;
	mkdir((g_dir + "/d").c_str(), 0700);
	std::atexit(remove_dir);
}

void check_fail(int ret, const char *what)
{
	if (ret == 0)
		return;
	if (ret > 0)
		fuzz::fail(what, ret);
	const char *msg = pmem2_errormsg();
	if (!msg || !*msg) {
		std::fprintf(stderr, "%s returned %d with an empty errormsg\n", what, ret);
		fuzz::fail("empty errormsg", ret);
	}
}

struct Map {
	pmem2_map *map = nullptr;
	bool writable = false;
	int src_slot = -1;
};

struct State {
	pmem2_config *cfg[2] = {};
	unsigned prot[2] = {};
	pmem2_source *src[kSlots] = {};
	int src_fd[kSlots] = {-1, -1, -1, -1};
	Map map[kSlots];
	pmem2_vm_reservation *rsv[2] = {};
	data_mover_sync *dms = nullptr;

	~State()
	{
		for (auto &m : map)
			if (m.map)
				check_fail(pmem2_map_delete(&m.map), "pmem2_map_delete (cleanup)");
		for (auto *&r : rsv)
			if (r)
				check_fail(pmem2_vm_reservation_delete(&r),
				           "pmem2_vm_reservation_delete (cleanup)");
		for (std::size_t i = 0; i < kSlots; ++i) {
			if (src[i])
				check_fail(pmem2_source_delete(&src[i]), "pmem2_source_delete");
			if (src_fd[i] >= 0)
				close(src_fd[i]);
		}
		for (auto *&c : cfg)
			if (c)
				check_fail(pmem2_config_delete(&c), "pmem2_config_delete");
		data_mover_sync_delete(dms);
	}
};

void touch(const Map &m)
{
	auto *p = static_cast<volatile unsigned char *>(pmem2_map_get_address(m.map));
	std::size_t size = pmem2_map_get_size(m.map);
	if (!p || size == 0)
		fuzz::fail("successful map with no address or size", size);
	if (!m.writable) {
		(void)p[0];
		return;
	}
	auto poke = [&](std::size_t off) {
		unsigned char v = static_cast<unsigned char>(off * 7 + 1);
		p[off] = v;
		if (p[off] != v)
			fuzz::fail("map byte did not read back", static_cast<long>(off));
	};
	if (size <= kTouchAll) {
		for (std::size_t off = 0; off < size; off += kPage)
			poke(off);
	} else {
		poke(0);
	}
	poke(size - 1);
}

void new_source(State &s, fuzz::Input &in)
{
	std::size_t i = in.u8() % kSlots;
	if (s.src[i])
		return;
	int fd = -1;
	unsigned kind = in.u8() % 8;
	std::string f = g_dir + "/f" + std::to_string(i);
	switch (kind) {
	case 0: { /* anonymous, any size */
		std::size_t sz = in.size(1u << 20);
		check_fail(pmem2_source_from_anon(&s.src[i], sz), "pmem2_source_from_anon");
		return;
	}
	case 1:
		fd = -1;
		break;
	case 2: /* a closed descriptor */
		fd = open(f.c_str(), O_RDWR | O_CREAT, 0600);
		close(fd);
		break;
	case 3:
		fd = open((g_dir + "/d").c_str(), O_RDONLY | O_DIRECTORY);
		break;
	default: { /* a file of a random size, read-only or read/write */
		fd = open(f.c_str(), (kind == 4 ? O_RDONLY : O_RDWR) | O_CREAT, 0600);
		if (fd < 0)
			fuzz::fail("open", errno);
		std::size_t sz = (in.u8() & 3) == 0 ? 0 : in.u32() % (256u << 10);
		if (kind != 4 && ftruncate(fd, static_cast<off_t>(sz)) != 0)
			fuzz::fail("ftruncate", errno);
		break;
	}
	}
	int ret = pmem2_source_from_fd(&s.src[i], fd);
	check_fail(ret, "pmem2_source_from_fd");
	if (ret == 0 && fd >= 0) {
		s.src_fd[i] = fd;
		int got = -2;
		check_fail(pmem2_source_get_fd(s.src[i], &got), "pmem2_source_get_fd");
	} else if (fd >= 0 && kind != 2) {
		close(fd);
	}
	if (ret != 0 && s.src[i])
		fuzz::fail("failed pmem2_source_from_fd set the source");
}

void source_queries(State &s, fuzz::Input &in)
{
	pmem2_source *src = s.src[in.u8() % kSlots];
	if (!src)
		return;
	std::size_t v = 0;
	check_fail(pmem2_source_size(src, &v), "pmem2_source_size");
	check_fail(pmem2_source_alignment(src, &v), "pmem2_source_alignment");
	int node = 0;
	check_fail(pmem2_source_numa_node(src, &node), "pmem2_source_numa_node");
	char id[64];
	std::size_t len = in.u8() % sizeof(id);
	check_fail(pmem2_source_device_id(src, (in.u8() & 1) ? id : nullptr, &len),
	           "pmem2_source_device_id");
	std::uint64_t usc = 0;
	check_fail(pmem2_source_device_usc(src, &usc), "pmem2_source_device_usc");
	pmem2_badblock_context *bb = nullptr;
	int ret = pmem2_badblock_context_new(&bb, src);
	check_fail(ret, "pmem2_badblock_context_new");
	if (ret == 0) {
		pmem2_badblock b{};
		for (int k = 0; k < 4; ++k) {
			int r = pmem2_badblock_next(bb, &b);
			check_fail(r, "pmem2_badblock_next");
			if (r != 0)
				break;
		}
		pmem2_badblock_context_delete(&bb);
	}
	/* pread/pwrite within and past the end of the source */
	unsigned char buf[512];
	std::size_t n = in.u16() % (sizeof(buf) + 1);
	std::size_t off = in.size(1u << 18);
	std::memset(buf, 0x5a, sizeof(buf));
	if (in.u8() & 1)
		check_fail(pmem2_source_pread_mcsafe(src, buf, n, off),
		           "pmem2_source_pread_mcsafe");
	else
		check_fail(pmem2_source_pwrite_mcsafe(src, buf, n, off),
		           "pmem2_source_pwrite_mcsafe");
}

void config_op(State &s, fuzz::Input &in)
{
	unsigned c = in.u8() & 1;
	if (!s.cfg[c]) {
		check_fail(pmem2_config_new(&s.cfg[c]), "pmem2_config_new");
		s.prot[c] = PMEM2_PROT_READ | PMEM2_PROT_WRITE;
		return;
	}
	pmem2_config *cfg = s.cfg[c];
	switch (in.u8() % 9) {
	case 0: {
		int g = static_cast<int>(in.u8() % 5) - 1;
		check_fail(fuzz_c_set_granularity(cfg, g),
		           "pmem2_config_set_required_store_granularity");
		break;
	}
	case 1:
		check_fail(pmem2_config_set_offset(cfg, in.size(1u << 18)), "set_offset");
		break;
	case 2:
		check_fail(pmem2_config_set_length(cfg, in.size(1u << 18)), "set_length");
		break;
	case 3: {
		int t = static_cast<int>(in.u8() % 4) - 1;
		check_fail(fuzz_c_set_sharing(cfg, t), "set_sharing");
		break;
	}
	case 4: {
		static const unsigned prots[] = {PMEM2_PROT_NONE,
		                                 PMEM2_PROT_READ,
		                                 PMEM2_PROT_READ | PMEM2_PROT_WRITE,
		                                 PMEM2_PROT_WRITE,
		                                 PMEM2_PROT_READ | PMEM2_PROT_EXEC,
		                                 1u,
		                                 0xffffffffu};
		unsigned p = prots[in.u8() % 7];
		int ret = pmem2_config_set_protection(cfg, p);
		check_fail(ret, "set_protection");
		if (ret == 0)
			s.prot[c] = p;
		break;
	}
	case 5: {
		pmem2_vm_reservation *r = (in.u8() & 1) ? s.rsv[in.u8() & 1] : nullptr;
		check_fail(pmem2_config_set_vm_reservation(cfg, r, in.size(1u << 18)),
		           "set_vm_reservation");
		break;
	}
	case 6: {
		if (!s.dms)
			s.dms = data_mover_sync_new();
		check_fail(pmem2_config_set_vdm(cfg, (in.u8() & 1) && s.dms
		                                         ? data_mover_sync_get_vdm(s.dms)
		                                         : nullptr),
		           "set_vdm");
		break;
	}
	case 7:
		check_fail(pmem2_config_delete(&s.cfg[c]), "pmem2_config_delete");
		break;
	default: /* PROT_WRITE without READ is not read/write */
		break;
	}
}

bool prot_rw(unsigned p)
{
	return (p & (PMEM2_PROT_READ | PMEM2_PROT_WRITE)) == (PMEM2_PROT_READ | PMEM2_PROT_WRITE);
}

void map_new(State &s, fuzz::Input &in)
{
	std::size_t i = in.u8() % kSlots;
	unsigned c = in.u8() & 1;
	std::size_t si = in.u8() % kSlots;
	if (s.map[i].map)
		return;
	int ret = pmem2_map_new(&s.map[i].map, s.cfg[c], s.src[si]);
	check_fail(ret, "pmem2_map_new");
	if (ret != 0) {
		if (s.map[i].map)
			fuzz::fail("failed pmem2_map_new set the map");
		return;
	}
	s.map[i].writable = prot_rw(s.prot[c]);
	s.map[i].src_slot = static_cast<int>(si);
	if ((s.prot[c] & PMEM2_PROT_READ) == 0) {
		s.map[i].writable = false;
		return; /* PROT_NONE or WRITE only: not touched */
	}
	touch(s.map[i]);
}

void map_delete(State &s, fuzz::Input &in)
{
	std::size_t i = in.u8() % kSlots;
	if (!s.map[i].map)
		return;
	check_fail(pmem2_map_delete(&s.map[i].map), "pmem2_map_delete");
	if (s.map[i].map)
		fuzz::fail("pmem2_map_delete left the pointer");
}

/* A model of the map's bytes for the range an op touches. */
void mem_op(State &s, fuzz::Input &in)
{
	Map &m = s.map[in.u8() % kSlots];
	if (!m.map || !m.writable)
		return;
	auto *base = static_cast<unsigned char *>(pmem2_map_get_address(m.map));
	std::size_t size = pmem2_map_get_size(m.map);
	std::size_t win = size < (256u << 10) ? size : (256u << 10);
	/* edges: the window is at the start or at the end of the mapping */
	unsigned char *w = (in.u8() & 1) ? base : base + (size - win);
	std::size_t len = in.u32() % (win + 1);
	std::size_t doff = (in.u8() & 1) ? win - len : in.u32() % (win - len + 1);
	std::size_t soff = (in.u8() & 1) ? in.u32() % (win - len + 1) : 0;
	unsigned flags = (in.u8() & 0x80) ? in.u32() : (in.u8() & PMEM2_F_MEM_VALID_FLAGS);
	std::vector<unsigned char> model(w, w + win);
	switch (in.u8() % 6) {
	case 0: {                                        /* memcpy from an outside buffer */
		std::vector<unsigned char> src(len + 1); /* never empty: data() is not NULL */
		for (std::size_t k = 0; k < len; ++k)
			src[k] = static_cast<unsigned char>(k * 13 + 5);
		std::memcpy(model.data() + doff, src.data(), len);
		pmem2_get_memcpy_fn(m.map)(w + doff, src.data(), len, flags);
		break;
	}
	case 1: /* memmove within the window: overlapping either way */
		std::memmove(model.data() + doff, model.data() + soff, len);
		pmem2_get_memmove_fn(m.map)(w + doff, w + soff, len, flags);
		break;
	case 2: {
		int c = in.u8();
		std::memset(model.data() + doff, c, len);
		pmem2_get_memset_fn(m.map)(w + doff, c, len, flags);
		break;
	}
	case 3:
		pmem2_get_persist_fn(m.map)(w + doff, len);
		pmem2_get_flush_fn(m.map)(w + doff, len);
		pmem2_get_drain_fn(m.map)();
		break;
	case 4: { /* deep flush: inside, or a range reaching past the map */
		std::size_t extra = in.u8() & 1 ? 0 : in.size(8192);
		std::size_t n = len + extra < len ? len : len + extra;
		check_fail(pmem2_deep_flush(m.map, w + doff, n), "pmem2_deep_flush");
		break;
	}
	default: { /* async on the map's mover; a range that may leave the map */
		std::size_t over = (in.u8() & 3) == 0 ? (in.u8() + 1u) : 0;
		if (w != base + (size - win))
			over = 0; /* only the last window may reach past the end */
		std::size_t n = len + over;
		bool inside = doff + n <= win;
		if (soff + n > win)
			soff = 0;
		pmem2_future fut;
		int kind = in.u8() % 3;
		int c = in.u8();
		std::vector<unsigned char> src(n + 1, 0x3c);
		if (kind == 0) {
			if (inside)
				std::memcpy(model.data() + doff, src.data(), n);
			fut = pmem2_memcpy_async(m.map, w + doff, src.data(), n, flags);
		} else if (kind == 1) {
			if (inside)
				std::memmove(model.data() + doff, model.data() + soff, n);
			fut = pmem2_memmove_async(m.map, w + doff, w + soff, n, flags);
		} else {
			if (inside)
				std::memset(model.data() + doff, c, n);
			fut = pmem2_memset_async(m.map, w + doff, c, n, flags);
		}
		while (future_poll(FUTURE_AS_RUNNABLE(&fut), nullptr) != FUTURE_STATE_COMPLETE) {
		}
		void *dest = FUTURE_OUTPUT(&fut)->dest;
		if (!inside && dest != nullptr)
			fuzz::fail("async op past the end of the map succeeded",
			           static_cast<long>(over));
		if (inside && dest != w + doff)
			fuzz::fail("async op inside the map failed", static_cast<long>(n));
		if (!inside) {
			const char *msg = pmem2_errormsg();
			if (!msg || !*msg)
				fuzz::fail("failed async op left no errormsg");
		}
		break;
	}
	}
	if (std::memcmp(model.data(), w, win) != 0)
		fuzz::fail("map bytes differ from the memmove/memset model", len);
}

void rsv_op(State &s, fuzz::Input &in)
{
	unsigned r = in.u8() & 1;
	pmem2_vm_reservation *&rsv = s.rsv[r];
	switch (in.u8() % 7) {
	case 0: {
		if (rsv)
			return;
		void *addr = nullptr;
		/* sometimes inside the other reservation, or at a map's address */
		if (in.u8() & 1) {
			pmem2_vm_reservation *o = s.rsv[r ^ 1];
			if (o)
				addr = static_cast<char *>(pmem2_vm_reservation_get_address(o)) +
				       (in.u8() % 8) * kPage + ((in.u8() & 1) ? 1 : 0);
		} else if (in.u8() & 1) {
			Map &m = s.map[in.u8() % kSlots];
			if (m.map)
				addr = pmem2_map_get_address(m.map);
		}
		std::size_t sz = in.size(1u << 20);
		if (sz > (64u << 20) && sz < (SIZE_MAX >> 8))
			sz &= (64u << 20) - 1; /* keep what is reserved modest */
		int ret = pmem2_vm_reservation_new(&rsv, addr, sz);
		check_fail(ret, "pmem2_vm_reservation_new");
		break;
	}
	case 1:
		if (rsv)
			check_fail(pmem2_vm_reservation_delete(&rsv),
			           "pmem2_vm_reservation_delete");
		break;
	case 2:
		if (rsv) {
			std::size_t sz = in.size(1u << 20);
			if (sz > (64u << 20) && sz < (SIZE_MAX >> 8))
				sz &= (64u << 20) - 1;
			check_fail(pmem2_vm_reservation_extend(rsv, sz),
			           "pmem2_vm_reservation_extend");
		}
		break;
	case 3:
		if (rsv)
			check_fail(
			    pmem2_vm_reservation_shrink(rsv, in.size(1u << 20), in.size(1u << 20)),
			    "pmem2_vm_reservation_shrink");
		break;
	case 4:
		if (rsv) {
			pmem2_map *m = nullptr;
			int ret = pmem2_vm_reservation_map_find(rsv, in.size(1u << 20),
			                                        in.size(1u << 20), &m);
			check_fail(ret, "pmem2_vm_reservation_map_find");
			if (ret == 0 && !m)
				fuzz::fail("map_find succeeded with no map");
		}
		break;
	default:
		if (rsv) {
			pmem2_map *m = nullptr;
			int ret = (in.u8() & 1) ? pmem2_vm_reservation_map_find_first(rsv, &m)
			                        : pmem2_vm_reservation_map_find_last(rsv, &m);
			check_fail(ret, "pmem2_vm_reservation_map_find_first/last");
			for (int k = 0; ret == 0 && k < 8; ++k) {
				pmem2_map *n = nullptr;
				ret = (in.u8() & 1)
				          ? pmem2_vm_reservation_map_find_next(rsv, m, &n)
				          : pmem2_vm_reservation_map_find_prev(rsv, m, &n);
				check_fail(ret, "pmem2_vm_reservation_map_find_next/prev");
				if (ret == 0)
					m = n;
			}
		}
		break;
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (g_dir.empty())
		make_dir();
	fuzz::Input in(data, size);
	State s;
	for (int steps = 0; steps < 64 && !in.empty(); ++steps) {
		switch (in.u8() % 8) {
		case 0:
			new_source(s, in);
			break;
		case 1:
			source_queries(s, in);
			break;
		case 2:
			config_op(s, in);
			break;
		case 3:
			map_new(s, in);
			break;
		case 4:
			map_delete(s, in);
			break;
		case 5:
			rsv_op(s, in);
			break;
		default:
			mem_op(s, in);
			break;
		}
	}
	return 0;
}
