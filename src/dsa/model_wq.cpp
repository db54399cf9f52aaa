/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The DSA work-queue model (see dsa/model_wq.hpp).
 */

#include "dsa/model_wq.hpp"
#include "common/env.hpp"
#include "common/flush.hpp"
#include "common/kernels.hpp"

#include <cstring>
#include <sys/mman.h>

namespace masync::dsa
{
namespace
{

constexpr std::uint64_t model_max_xfer = 1ull << 21; /* 2 MiB: splitting is exercised */
constexpr unsigned model_max_batch = 32;
constexpr unsigned model_size = 32;

std::uint64_t splitmix64(std::uint64_t x) noexcept
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

bool overlaps(std::uint64_t a, std::uint64_t b, std::uint64_t n) noexcept
{
	return a < b + n && b < a + n;
}

dsa_completion_record *record_of(const dsa_hw_desc &d) noexcept
{
	return reinterpret_cast<dsa_completion_record *>(
	    static_cast<std::uintptr_t>(d.completion_addr));
}

void fill(char *dst, std::uint64_t pattern, std::size_t n) noexcept
{
	unsigned char p[8];
	std::memcpy(p, &pattern, 8);
	std::size_t i = 0;
	for (; i + 8 <= n; i += 8)
		std::memcpy(dst + i, p, 8);
	for (std::size_t k = 0; i < n; ++i, ++k)
		dst[i] = static_cast<char>(p[k]);
}

/*
 * Offset in [p, p + n) of the first byte of the first page mincore() reports
 * non-resident, or n when every page is resident (or the range is not a
 * mapping mincore knows).
 */
std::size_t first_absent(std::uint64_t p, std::size_t n) noexcept
{
	const std::uintptr_t page = 4096;
	std::uintptr_t a = static_cast<std::uintptr_t>(p) & ~(page - 1);
	const std::uintptr_t end = static_cast<std::uintptr_t>(p) + n;
	unsigned char vec[256];
	while (a < end) {
		std::size_t pages = (end - a + page - 1) / page;
		if (pages > sizeof(vec))
			pages = sizeof(vec);
		if (mincore(reinterpret_cast<void *>(a), pages * page, vec) != 0)
			return n;
		for (std::size_t i = 0; i < pages; ++i, a += page)
			if (!(vec[i] & 1))
				return a <= p ? 0 : a - static_cast<std::uintptr_t>(p);
	}
	return n;
}

} // namespace

wq_info model_wq_info(bool dedicated)
{
	wq_info w;
	w.name = dedicated ? "model/wq0.0" : "model/wq0.1";
	w.dedicated = dedicated;
	w.size = model_size;
	w.max_xfer = model_max_xfer;
	w.max_batch = model_max_batch;
	w.gencap = gencap_cache_control_mem | gencap_cache_control_flush;
	w.numa_node = 0;
	w.model = true;
	return w;
}

bool model_mode_from_env(model_mode *mode) noexcept
{
	const char *v = env_string("MASYNC_DSA_MODEL");
	if (v == nullptr)
		return false;
	if (std::strcmp(v, "1") == 0 || std::strcmp(v, "clean") == 0)
		*mode = model_mode::clean;
	else if (std::strcmp(v, "faults") == 0)
		*mode = model_mode::faults;
	else if (std::strcmp(v, "busy") == 0)
		*mode = model_mode::busy;
	else if (std::strcmp(v, "realfaults") == 0)
		*mode = model_mode::real_faults;
	else
		return false;
	return true;
}

void model_wq::inject_status(std::uint8_t status, unsigned count) noexcept
{
	inject_status_.store(status, std::memory_order_relaxed);
	inject_count_.store(count, std::memory_order_release);
}

void model_wq::inject_partial(std::uint32_t bytes, bool write) noexcept
{
	inject_partial_.store((std::uint64_t{bytes} + 1) | (write ? 1ull << 63 : 0),
	                      std::memory_order_release);
}

std::uint64_t model_wq::next_random() noexcept
{
	return splitmix64(counter_.fetch_add(1, std::memory_order_relaxed));
}

std::uint8_t model_wq::validate(const dsa_hw_desc &d, bool in_batch) const noexcept
{
	if (d.flags & ~desc_flags_known)
		return DSA_COMP_INVALID_FLAGS;
	switch (d.opcode) {
	case DSA_OPCODE_NOOP:
		return DSA_COMP_SUCCESS;
	case DSA_OPCODE_MEMMOVE:
		if (d.xfer_size == 0 || d.xfer_size > info_.max_xfer)
			return DSA_COMP_XFER_ERANGE;
		if (!(info_.gencap & gencap_overlap_copy) &&
		    overlaps(d.src_addr, d.dst_addr, d.xfer_size))
			return DSA_COMP_OVERLAP_BUFFERS;
		return DSA_COMP_SUCCESS;
	case DSA_OPCODE_MEMFILL:
	case DSA_OPCODE_CFLUSH:
		if (d.xfer_size == 0 || d.xfer_size > info_.max_xfer)
			return DSA_COMP_XFER_ERANGE;
		return DSA_COMP_SUCCESS;
	case DSA_OPCODE_BATCH:
		if (in_batch)
			return DSA_COMP_BAD_OPCODE; /* no batch inside a batch */
		if (d.desc_count < 2 || d.desc_count > info_.max_batch)
			return DSA_COMP_DESC_CNT_ERANGE;
		if (d.desc_list_addr % 64 != 0)
			return DSA_COMP_DESCLIST_ALIGN;
		return DSA_COMP_SUCCESS;
	default:
		return DSA_COMP_BAD_OPCODE;
	}
}

std::uint8_t model_wq::run(const dsa_hw_desc &d, dsa_completion_record &cr,
                           bool allow_fault) noexcept
{
	std::uint8_t st = validate(d, !allow_fault);
	if (st != DSA_COMP_SUCCESS || d.opcode == DSA_OPCODE_NOOP)
		return st;

	if (d.opcode == DSA_OPCODE_BATCH) {
		const auto *list = reinterpret_cast<const dsa_hw_desc *>(
		    static_cast<std::uintptr_t>(d.desc_list_addr));
		bool failed = false;
		for (std::uint32_t i = 0; i < d.desc_count; ++i) {
			dsa_completion_record *mcr = record_of(list[i]);
			std::uint8_t ms = run(list[i], *mcr, false);
			if ((list[i].flags & IDXD_OP_FLAG_CRAV) && mcr != nullptr)
				store_status(*mcr, ms);
			failed |= ms != DSA_COMP_SUCCESS;
		}
		return failed ? DSA_COMP_BATCH_FAIL : DSA_COMP_SUCCESS;
	}

	std::size_t n = d.xfer_size;
	auto *dst = reinterpret_cast<char *>(static_cast<std::uintptr_t>(d.dst_addr));
	std::size_t done = n;
	bool write_fault = true;
	if (allow_fault && d.opcode != DSA_OPCODE_CFLUSH) {
		std::uint64_t p = inject_partial_.exchange(0, std::memory_order_acq_rel);
		if (p != 0) {
			done = static_cast<std::size_t>((p & ~(1ull << 63)) - 1);
			write_fault = p >> 63;
		} else if (mode_ == model_mode::real_faults) {
			/* the device stops at the first page it cannot reach */
			done = first_absent(d.dst_addr, n);
			if (d.opcode == DSA_OPCODE_MEMMOVE) {
				std::size_t s = first_absent(d.src_addr, n);
				if (s < done) {
					done = s;
					write_fault = false;
				}
			}
		} else if (mode_ == model_mode::faults) {
			std::uint64_t r = next_random();
			if (r % 4 == 0) {
				done = static_cast<std::size_t>((r >> 8) % n);
				write_fault = (r >> 4) & 1;
			}
		}
		if (d.opcode == DSA_OPCODE_MEMFILL)
			write_fault = true;
		if (done > n)
			done = n;
	}

	switch (d.opcode) {
	case DSA_OPCODE_MEMMOVE:
		std::memcpy(dst,
		            reinterpret_cast<const void *>(static_cast<std::uintptr_t>(d.src_addr)),
		            done);
		break;
	case DSA_OPCODE_MEMFILL:
		fill(dst, d.pattern, done);
		break;
	case DSA_OPCODE_CFLUSH:
		/* completion means the lines reached memory: the write-backs, then a fence */
		mem::flush(dst, n);
		store_fence();
		break;
	default:
		break;
	}
	executed_.fetch_add(1, std::memory_order_relaxed);
	if (done == n)
		return DSA_COMP_SUCCESS;
	cr.bytes_completed = static_cast<std::uint32_t>(done);
	cr.fault_addr = (write_fault ? d.dst_addr : d.src_addr) + done;
	return static_cast<std::uint8_t>(DSA_COMP_PAGE_FAULT_NOBOF |
	                                 (write_fault ? DSA_COMP_STATUS_WRITE : 0));
}

submit_result model_wq::submit(const dsa_hw_desc &d) noexcept
{
	dsa_completion_record *cr = record_of(d);
	if (!(d.flags & IDXD_OP_FLAG_CRAV) || cr == nullptr || d.completion_addr % 32 != 0)
		return submit_result::error;
	if (mode_ == model_mode::busy && next_random() % 4 == 0)
		return submit_result::refused;

	std::uint8_t st;
	unsigned k = inject_count_.load(std::memory_order_acquire);
	while (k != 0 && !inject_count_.compare_exchange_weak(k, k - 1, std::memory_order_acq_rel))
		;
	if (k != 0) {
		st = inject_status_.load(std::memory_order_relaxed);
	} else {
		st = run(d, *cr, true);
	}
	store_status(*cr, st);
	return submit_result::accepted;
}

} // namespace masync::dsa
