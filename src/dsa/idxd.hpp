/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * dsa/idxd.hpp -- the kernel's DSA descriptor and completion record
 * (<linux/idxd.h>, package linux-libc-dev) and the few device facts the
 * mover uses.
 *
 * The layouts are the kernel's; this file only checks their sizes and names
 * the general-capability (GENCAP) bits the mover consults. The GENCAP bit
 * positions follow the DSA architecture specification as we read it; they
 * have not been checked against a real device (docs/dsa.md).
 *
 * Ordering: the device writes a completion record's status byte last; the
 * mover reads it with acquire semantics (load_status) before any other field.
 */
#ifndef MASYNC_DSA_IDXD_HPP
#define MASYNC_DSA_IDXD_HPP

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <linux/idxd.h>
#pragma GCC diagnostic pop

#include <atomic>
#include <cstdint>

namespace masync::dsa
{

static_assert(sizeof(dsa_hw_desc) == 64, "a DSA descriptor is 64 bytes");
static_assert(sizeof(dsa_completion_record) == 32, "a DSA completion record is 32 bytes");

/* GENCAP bits (see the file comment). */
inline constexpr std::uint64_t gencap_block_on_fault = 1ull << 0;
inline constexpr std::uint64_t gencap_overlap_copy = 1ull << 1;
inline constexpr std::uint64_t gencap_cache_control_mem = 1ull << 2;
inline constexpr std::uint64_t gencap_cache_control_flush = 1ull << 3;
inline constexpr std::uint64_t gencap_dest_readback = 1ull << 8;

/* Descriptor flags the mover may set; anything else is reserved for it. */
inline constexpr std::uint32_t desc_flags_known = IDXD_OP_FLAG_FENCE | IDXD_OP_FLAG_BOF |
                                                  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR |
                                                  IDXD_OP_FLAG_CC | IDXD_OP_FLAG_DRDBK;

/* The status byte of a completion record, read before anything else in it. */
inline std::uint8_t load_status(const dsa_completion_record &cr) noexcept
{
	return std::atomic_ref<std::uint8_t>(const_cast<std::uint8_t &>(cr.status))
	    .load(std::memory_order_acquire);
}

/* Publishes a status byte after the record's other fields (the model's side). */
inline void store_status(dsa_completion_record &cr, std::uint8_t status) noexcept
{
	std::atomic_ref<std::uint8_t>(const_cast<std::uint8_t &>(cr.status))
	    .store(status, std::memory_order_release);
}

/* Clears a record before its descriptor is submitted. */
inline void clear_record(dsa_completion_record &cr) noexcept
{
	cr.bytes_completed = 0;
	cr.fault_addr = 0;
	cr.result = 0;
	std::atomic_ref<std::uint8_t>(const_cast<std::uint8_t &>(cr.status))
	    .store(0, std::memory_order_relaxed);
}

} // namespace masync::dsa

#endif
