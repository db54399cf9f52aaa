/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The DSA mover's C entry points: libminiasync-vdm-dml.h (miniasync 0.2.1
 * names) and libminiasync/data_mover_dsa.h (masync's native settings and
 * counters).
 */

#include "dsa/mover.hpp"
#include "common/env.hpp"
#include "dsa/discovery.hpp"
#include "dsa/export.hpp"

#include <cerrno>
#include <cstring>
#include <new>

namespace masync::dsa
{

mover_impl::~mover_impl()
{
	data_mover_threads_delete(threads);
}

portal *mover_portal(struct data_mover_dml *dmd) noexcept
{
	return dmd ? dmd->impl->wq.get() : nullptr;
}

namespace
{

constexpr std::uint32_t records_per_mover = 4096;

data_mover_dml *make(int type)
{
	auto m = std::make_unique<mover_impl>(records_per_mover);
	m->type = static_cast<enum data_mover_dml_type>(type);
	std::size_t t;
	if (env_size("MASYNC_DSA_AUTO_THRESHOLD", &t))
		m->threshold.store(t, std::memory_order_relaxed);
	if (type != DATA_MOVER_DML_SOFTWARE)
		m->wq = open_first_usable();
	if (type == DATA_MOVER_DML_HARDWARE && !m->wq) {
		errno = ENODEV;
		return nullptr;
	}
	if (type == DATA_MOVER_DML_AUTO && !m->wq) {
		m->threads = data_mover_threads_default();
		if (m->threads != nullptr)
			m->threads_vdm = data_mover_threads_get_vdm(m->threads);
	}
	auto *d = new data_mover_dml;
	d->base.op_new = dml_op_new;
	d->base.op_delete = dml_op_delete;
	d->base.op_start = dml_op_start;
	d->base.op_check = dml_op_check;
	d->base.capabilities = VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT;
	d->base.has_property = nullptr;
	d->impl = m.release();
	return d;
}

} // namespace
} // namespace masync::dsa

using masync::dsa::counters;

extern "C" {

DSA_EXPORT struct data_mover_dml *data_mover_dml_new(enum data_mover_dml_type type)
{
	int t;
	static_assert(sizeof(t) == sizeof(type));
	std::memcpy(&t, &type, sizeof(t));
	if (t != DATA_MOVER_DML_SOFTWARE && t != DATA_MOVER_DML_HARDWARE &&
	    t != DATA_MOVER_DML_AUTO) {
		errno = EINVAL;
		return nullptr;
	}
	try {
		return masync::dsa::make(t);
	} catch (...) {
		errno = ENOMEM;
		return nullptr;
	}
}

DSA_EXPORT struct vdm *data_mover_dml_get_vdm(struct data_mover_dml *dmd)
{
	return dmd ? &dmd->base : nullptr;
}

DSA_EXPORT void data_mover_dml_delete(struct data_mover_dml *dmd)
{
	if (dmd == nullptr)
		return;
	delete dmd->impl;
	delete dmd;
}

DSA_EXPORT int data_mover_dsa_set_threshold(struct data_mover_dml *dmd, size_t bytes)
{
	if (dmd == nullptr) {
		errno = EINVAL;
		return -1;
	}
	dmd->impl->threshold.store(bytes, std::memory_order_relaxed);
	return 0;
}

DSA_EXPORT size_t data_mover_dsa_get_threshold(const struct data_mover_dml *dmd)
{
	return dmd ? dmd->impl->threshold.load(std::memory_order_relaxed) : 0;
}

DSA_EXPORT int data_mover_dsa_get_counters(const struct data_mover_dml *dmd,
                                           struct data_mover_dsa_counters *out)
{
	if (dmd == nullptr || out == nullptr) {
		errno = EINVAL;
		return -1;
	}
	const counters &c = dmd->impl->count;
	auto ld = [](const std::atomic<std::uint64_t> &v) {
		return v.load(std::memory_order_relaxed);
	};
	out->submissions = ld(c.submissions);
	out->completions = ld(c.completions);
	out->bytes_dsa = ld(c.bytes_dsa);
	out->bytes_cpu = ld(c.bytes_cpu);
	out->bytes_threads = ld(c.bytes_threads);
	out->refused = ld(c.refused);
	out->page_faults = ld(c.page_faults);
	out->resubmissions = ld(c.resubmissions);
	out->fallback_refused = ld(c.fallback_refused);
	out->fallback_fault = ld(c.fallback_fault);
	out->fallback_overlap = ld(c.fallback_overlap);
	out->errors = ld(c.errors);
	out->last_error_status = ld(c.last_error_status);
	return 0;
}

DSA_EXPORT const char *data_mover_dsa_wq_name(const struct data_mover_dml *dmd)
{
	return (dmd && dmd->impl->wq) ? dmd->impl->wq->info().name.c_str() : nullptr;
}

} /* extern "C" */
