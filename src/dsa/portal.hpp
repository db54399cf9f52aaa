/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * dsa/portal.hpp -- one work queue as the mover sees it: its properties and
 * a portal that takes 64-byte descriptors.
 *
 * submit(desc) returns
 *   accepted  the queue owns the descriptor; the device will write its
 *             completion record (status byte last);
 *   refused   the queue is full (ENQCMD's ZF, a full write(2), or the
 *             dedicated queue's in-flight limit): nothing was submitted,
 *             try again later;
 *   error     the descriptor can never be accepted (e.g. a misaligned
 *             completion record): nothing was submitted.
 * Two implementations: the real queue (hw_portal.cpp, /dev/dsa/wqX.Y) and
 * the software model (model_wq.hpp). The mover does not know which.
 *
 * Thread safety: submit may be called from any number of threads at once.
 * Lifetime: a portal lives as long as the mover that opened it.
 */
#ifndef MASYNC_DSA_PORTAL_HPP
#define MASYNC_DSA_PORTAL_HPP

#include "dsa/idxd.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace masync::dsa
{

enum class submit_result { accepted, refused, error };

/* What discovery knows about a work queue. */
struct wq_info {
	std::string name;      /* "wq0.1" (model: "model/wq0.0") */
	std::string dev_path;  /* "/dev/dsa/wq0.1" (model: empty) */
	bool dedicated = true; /* dedicated (MOVDIR64B) or shared (ENQCMD) */
	unsigned size = 0;     /* entries */
	std::uint64_t max_xfer = 0;
	unsigned max_batch = 0;
	std::uint64_t gencap = 0;
	int numa_node = -1;
	bool model = false;
};

class portal
{
      public:
	virtual ~portal() = default;
	virtual submit_result submit(const dsa_hw_desc &desc) noexcept = 0;
	virtual const wq_info &info() const noexcept = 0;
	/* False when the portal must not be used (e.g. in a forked child). */
	virtual bool usable() const noexcept { return true; }
	/* Whether BATCH descriptors may be submitted (not on the write(2) path). */
	virtual bool batches() const noexcept { return true; }
};

/* Opens a real queue (nullptr when it cannot be used; *why says why). */
std::unique_ptr<portal> open_hw_portal(const wq_info &wq, const char **why);

} // namespace masync::dsa

#endif
