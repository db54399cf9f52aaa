/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The DSA mover's C entry points: libminiasync-vdm-dml.h (miniasync 0.2.1
 * names) and libminiasync/data_mover_dsa.h (masync's native settings and
 * counters).
 */

#include "dsa/mover.hpp"
#include "common/cpu.hpp"
#include "common/env.hpp"
#include "common/vdm_table.hpp"
#include "dsa/discovery.hpp"
#include "dsa/export.hpp"
#include "masync/mover.hpp"

#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <thread>
#include <vector>

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

constexpr std::uint32_t records_per_mover = 16384; /* as the synchronous mover */

bool valid_type(int t) noexcept
{
	return t == DATA_MOVER_DML_SOFTWARE || t == DATA_MOVER_DML_HARDWARE ||
	       t == DATA_MOVER_DML_AUTO;
}

/* An enum's stored value, read as int: a foreign value is no undefined behaviour. */
template <typename E> int raw(const E *e) noexcept
{
	static_assert(sizeof(E) == sizeof(int));
	int v;
	std::memcpy(&v, e, sizeof(v));
	return v;
}

/* The batch size a mover uses: none without a queue that takes batches. */
unsigned effective_batch(const mover_impl &m, unsigned want) noexcept
{
	if (!m.wq || !m.wq->batches() || want < 2 || m.wq->info().max_batch < 2)
		return 0;
	unsigned max =
	    m.wq->info().max_batch < max_batch_members ? m.wq->info().max_batch : max_batch_members;
	return want < max ? want : max;
}

data_mover_dml *make(int type, const data_mover_dsa_options &o)
{
	auto m = std::make_unique<mover_impl>(records_per_mover);
	m->type = static_cast<enum data_mover_dml_type>(type);
	m->threshold.store(o.threshold, std::memory_order_relaxed);
	if (type != DATA_MOVER_DML_SOFTWARE) {
		wq_selection sel;
		for (std::size_t i = 0; o.wq_names != nullptr && i < o.wq_count; ++i)
			if (o.wq_names[i] != nullptr)
				sel.names.emplace_back(o.wq_names[i]);
		sel.numa_policy = raw(&o.numa_policy);
		sel.numa_node = o.numa_node;
		m->wq = open_first_usable(sel);
	}
	if (type == DATA_MOVER_DML_HARDWARE && !m->wq) {
		errno = ENODEV;
		return nullptr;
	}
	if (m->wq) {
		m->batches = std::make_unique<batch_slot[]>(batch_slots);
		m->batch_size.store(effective_batch(*m, o.batch_size), std::memory_order_relaxed);
	}
	if (raw(&o.wait_mode) == DATA_MOVER_DSA_WAIT_UMWAIT && cpu().waitpkg)
		m->wait_mode.store(DATA_MOVER_DSA_WAIT_UMWAIT, std::memory_order_relaxed);
	if (type == DATA_MOVER_DML_AUTO && !m->wq) {
		m->threads = data_mover_threads_default();
		if (m->threads != nullptr)
			m->threads_vdm = data_mover_threads_get_vdm(m->threads);
		m->workers = static_cast<unsigned>(masync::threads_default_workers());
	}
	auto *d = new data_mover_dml;
	d->base =
	    masync::vdm_table({dml_op_new, dml_op_delete, dml_op_start, dml_op_check, nullptr},
	                      VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT);
	d->impl = m.release();
	return d;
}

bool valid_options(const data_mover_dsa_options &o) noexcept
{
	const int p = raw(&o.numa_policy), w = raw(&o.wait_mode);
	if (p < DATA_MOVER_DSA_NUMA_ANY || p > DATA_MOVER_DSA_NUMA_ONLY_NODE)
		return false;
	if (w != DATA_MOVER_DSA_WAIT_POLL && w != DATA_MOVER_DSA_WAIT_UMWAIT)
		return false;
	return o.wq_count == 0 || o.wq_names != nullptr;
}

data_mover_dml *create(int t, const data_mover_dsa_options *opts) noexcept
{
	if (!valid_type(t)) {
		errno = EINVAL;
		return nullptr;
	}
	try {
		data_mover_dsa_options def;
		if (opts == nullptr) {
			data_mover_dsa_options_init(&def);
			opts = &def;
		}
		if (!valid_options(*opts)) {
			errno = EINVAL;
			return nullptr;
		}
		/* No list given: MASYNC_DSA_WQ's, if set (its strings live here). */
		std::vector<std::string> env_names;
		std::vector<const char *> env_ptrs;
		data_mover_dsa_options o = *opts;
		if (o.wq_names == nullptr) {
			if (const char *v = env_string("MASYNC_DSA_WQ")) {
				std::string all = v;
				for (std::size_t b = 0; b <= all.size();) {
					std::size_t e = all.find(',', b);
					if (e == std::string::npos)
						e = all.size();
					if (e > b)
						env_names.push_back(all.substr(b, e - b));
					b = e + 1;
				}
			}
			for (const std::string &n : env_names)
				env_ptrs.push_back(n.c_str());
			o.wq_names = env_ptrs.empty() ? nullptr : env_ptrs.data();
			o.wq_count = env_ptrs.size();
		}
		return make(t, o);
	} catch (...) {
		errno = ENOMEM;
		return nullptr;
	}
}

} // namespace
} // namespace masync::dsa

extern "C" {

DSA_EXPORT struct data_mover_dml *data_mover_dml_new(enum data_mover_dml_type type)
{
	int t;
	static_assert(sizeof(t) == sizeof(type));
	std::memcpy(&t, &type, sizeof(t));
	return masync::dsa::create(t, nullptr);
}

DSA_EXPORT void data_mover_dsa_options_init(struct data_mover_dsa_options *opts)
{
	if (opts == nullptr)
		return;
	*opts = data_mover_dsa_options{};
	opts->wq_names = nullptr; /* MASYNC_DSA_WQ's list, else every queue (see create) */
	opts->wq_count = 0;
	opts->numa_policy = DATA_MOVER_DSA_NUMA_ANY;
	opts->numa_node = -1;
	std::size_t t = DATA_MOVER_DSA_DEFAULT_THRESHOLD;
	masync::env_size("MASYNC_DSA_AUTO_THRESHOLD", &t);
	opts->threshold = t;
	std::size_t b = DATA_MOVER_DSA_DEFAULT_BATCH;
	masync::env_size("MASYNC_DSA_BATCH", &b);
	opts->batch_size = b > 0xffffffffu ? 0xffffffffu : static_cast<unsigned>(b);
	const char *w = masync::env_string("MASYNC_DSA_WAIT");
	opts->wait_mode = (w != nullptr && std::strcmp(w, "umwait") == 0)
	                      ? DATA_MOVER_DSA_WAIT_UMWAIT
	                      : DATA_MOVER_DSA_WAIT_POLL;
}

DSA_EXPORT struct data_mover_dml *data_mover_dsa_new(enum data_mover_dml_type type,
                                                     const struct data_mover_dsa_options *opts)
{
	int t;
	static_assert(sizeof(t) == sizeof(type));
	std::memcpy(&t, &type, sizeof(t));
	return masync::dsa::create(t, opts);
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
	const masync::dsa::counters &c = dmd->impl->count;
	using namespace masync::dsa;
	std::uint64_t *const fields[c_count] = {
	    &out->submissions,    &out->completions,      &out->bytes_dsa,
	    &out->bytes_cpu,      &out->bytes_threads,    &out->refused,
	    &out->page_faults,    &out->resubmissions,    &out->fallback_refused,
	    &out->fallback_fault, &out->fallback_overlap, &out->errors,
	    &out->batches,        &out->batched_ops};
	for (unsigned i = 0; i < c_count; ++i)
		*fields[i] = c.get(static_cast<counter>(i));
	out->last_error_status = c.last_error();
	return 0;
}

DSA_EXPORT const char *data_mover_dsa_wq_name(const struct data_mover_dml *dmd)
{
	return (dmd && dmd->impl->wq) ? dmd->impl->wq->info().name.c_str() : nullptr;
}

DSA_EXPORT int data_mover_dsa_set_batch_size(struct data_mover_dml *dmd, unsigned ops)
{
	if (dmd == nullptr) {
		errno = EINVAL;
		return -1;
	}
	masync::dsa::mover_impl &m = *dmd->impl;
	m.batch_size.store(masync::dsa::effective_batch(m, ops), std::memory_order_relaxed);
	return 0;
}

DSA_EXPORT unsigned data_mover_dsa_get_batch_size(const struct data_mover_dml *dmd)
{
	return dmd ? dmd->impl->batch_size.load(std::memory_order_relaxed) : 0;
}

DSA_EXPORT int data_mover_dsa_set_wait_mode(struct data_mover_dml *dmd,
                                            enum data_mover_dsa_wait_mode mode)
{
	const int w = masync::dsa::raw(&mode);
	if (dmd == nullptr || (w != DATA_MOVER_DSA_WAIT_POLL && w != DATA_MOVER_DSA_WAIT_UMWAIT)) {
		errno = EINVAL;
		return -1;
	}
	if (w == DATA_MOVER_DSA_WAIT_UMWAIT && !masync::cpu().waitpkg) {
		errno = ENOTSUP;
		return -1;
	}
	dmd->impl->wait_mode.store(w, std::memory_order_relaxed);
	return 0;
}

DSA_EXPORT enum data_mover_dsa_wait_mode
data_mover_dsa_get_wait_mode(const struct data_mover_dml *dmd)
{
	if (dmd != nullptr &&
	    dmd->impl->wait_mode.load(std::memory_order_relaxed) == DATA_MOVER_DSA_WAIT_UMWAIT)
		return DATA_MOVER_DSA_WAIT_UMWAIT;
	return DATA_MOVER_DSA_WAIT_POLL;
}

} /* extern "C" */
