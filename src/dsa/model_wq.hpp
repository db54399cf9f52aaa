/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * dsa/model_wq.hpp -- a software model of a DSA work queue behind the portal
 * interface, so that the whole hardware path runs without a device.
 *
 * What it does on submit(desc)
 *   Validates the descriptor as we understand the device to (completion
 *   record present and 32-byte aligned, known opcode, no reserved flag,
 *   transfer size in 1..max_xfer, no overlap for MEMMOVE unless GENCAP says
 *   so, batch list 64-byte aligned with 2..max_batch members); executes
 *   MEMMOVE, MEMFILL (8-byte pattern), CFLUSH, NOOP and BATCH on the
 *   submitting thread; writes the completion record, status byte last
 *   (release). A descriptor the device would reject completes with the
 *   matching DSA_COMP_* error status; one without a usable completion record
 *   is an `error` submission.
 *
 * Fault injection (mode, from MASYNC_DSA_MODEL, or the test hooks)
 *   clean   none;
 *   faults  about one MEMMOVE/MEMFILL in four completes partially: a prefix
 *           of random length is done, the record reports
 *           DSA_COMP_PAGE_FAULT_NOBOF with bytes_completed, fault_addr and
 *           the write bit (DSA_COMP_STATUS_WRITE) for a destination fault;
 *   busy    about one submission in four is refused;
 *   realfaults  a MEMMOVE/MEMFILL stops at the first page of its source or
 *           destination that mincore() reports non-resident (e.g. after
 *           madvise(MADV_DONTNEED)): partial completion with that page's
 *           address and the write bit for the destination, as a device
 *           without block-on-fault does (one mincore per descriptor).
 * Persistence checker: the model's copies and fills are plain stores (not
 * reported: a device write, with or without cache control, is not assumed
 * durable here); its CFLUSH writes the lines back and fences, reported as
 * such, since a completed CFLUSH means the lines reached memory.
 *   inject_status(s, n): the next n submissions complete with status s.
 *   inject_partial(k, write): the next MEMMOVE/MEMFILL faults after k bytes.
 * Randomness is a counter hashed with splitmix64: reproducible per process.
 *
 * Not modelled: latency, bandwidth, asynchronous completion (the record is
 * written before submit returns), block-on-fault, readback.
 *
 * Thread safety: submit and the hooks may be called concurrently.
 */
#ifndef MASYNC_DSA_MODEL_WQ_HPP
#define MASYNC_DSA_MODEL_WQ_HPP

#include "dsa/portal.hpp"

#include <atomic>

namespace masync::dsa
{

enum class model_mode { clean, faults, busy, real_faults };

class model_wq final : public portal
{
      public:
	model_wq(wq_info info, model_mode mode) noexcept : info_(std::move(info)), mode_(mode) {}
	submit_result submit(const dsa_hw_desc &desc) noexcept override;
	const wq_info &info() const noexcept override { return info_; }

	void inject_status(std::uint8_t status, unsigned count) noexcept;
	void inject_partial(std::uint32_t bytes, bool write) noexcept;
	std::uint64_t executed() const noexcept
	{
		return executed_.load(std::memory_order_relaxed);
	}

      private:
	std::uint64_t next_random() noexcept;
	std::uint8_t run(const dsa_hw_desc &d, dsa_completion_record &cr,
	                 bool allow_fault) noexcept;
	std::uint8_t validate(const dsa_hw_desc &d, bool in_batch) const noexcept;

	wq_info info_;
	model_mode mode_;
	std::atomic<std::uint64_t> counter_{0};
	std::atomic<std::uint64_t> executed_{0};
	std::atomic<unsigned> inject_count_{0};
	std::atomic<std::uint8_t> inject_status_{0};
	std::atomic<std::uint64_t> inject_partial_{0}; /* bytes + 1, 0: none; bit 63: write */
};

/* The model's queue description (dedicated or shared). */
wq_info model_wq_info(bool dedicated);

/* The mode MASYNC_DSA_MODEL asks for; false when it is unset or unknown. */
bool model_mode_from_env(model_mode *mode) noexcept;

} // namespace masync::dsa

#endif
