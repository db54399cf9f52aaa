/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * dsa/mover.hpp -- the DSA data mover's state: the mover, its per-operation
 * records and its counters (see libminiasync-vdm-dml.h for the contract).
 *
 * One operation's record (dml_record) lives in the mover's lock-free pool
 * from op_new to op_delete and holds the descriptor and the 32-byte aligned
 * completion record the device writes. Its state moves one way:
 *   idle -> done                      (CPU inline, error, n == 0)
 *   idle -> hw -> [hw_retry <-> hw] -> done   (DSA; hw_retry: a refused
 *                                      resubmission, retried at next check)
 *   idle -> threads -> done           (AUTO without a queue)
 * so every operation completes exactly once.
 *
 * Thread safety: a record is touched only by the thread polling its future;
 * the mover's shared parts are the pool, the portal and relaxed counters.
 */
#ifndef MASYNC_DSA_MOVER_HPP
#define MASYNC_DSA_MOVER_HPP

#include "common/record_pool.hpp"
#include "dsa/cpu_path.hpp"
#include "dsa/portal.hpp"

#include <libminiasync-vdm-dml.h>
#include <libminiasync/data_mover_dsa.h>

#include <atomic>
#include <cstddef>

namespace masync::dsa
{

struct mover_impl;

enum class rec_state : std::uint8_t { idle, done, hw, hw_retry, threads };

struct dml_record {
	dsa_completion_record comp __attribute__((aligned(32)));
	dsa_hw_desc desc __attribute__((aligned(64)));
	mover_impl *owner = nullptr;
	std::size_t done = 0;  /* bytes finished */
	std::size_t chunk = 0; /* bytes of the descriptor in flight */
	unsigned faults = 0;
	rec_state state = rec_state::idle;
	enum vdm_operation_result result = VDM_SUCCESS;
	struct vdm_operation_future tfut; /* delegated to the threads mover */
};

struct counters {
	std::atomic<std::uint64_t> submissions{0}, completions{0}, bytes_dsa{0}, bytes_cpu{0},
	    bytes_threads{0}, refused{0}, page_faults{0}, resubmissions{0}, fallback_refused{0},
	    fallback_fault{0}, fallback_overlap{0}, errors{0}, last_error_status{0};
	static void add(std::atomic<std::uint64_t> &c, std::uint64_t v) noexcept
	{
		c.fetch_add(v, std::memory_order_relaxed);
	}
};

struct mover_impl {
	enum data_mover_dml_type type = DATA_MOVER_DML_SOFTWARE;
	std::atomic<std::size_t> threshold{DATA_MOVER_DSA_DEFAULT_THRESHOLD};
	std::unique_ptr<portal> wq;
	struct data_mover_threads *threads = nullptr;
	struct vdm *threads_vdm = nullptr;
	std::atomic<unsigned> inflight{0}; /* dedicated queue: bounded by its size */
	struct counters count;
	record_pool<dml_record> pool;

	explicit mover_impl(std::uint32_t records) : pool(records) {}
	~mover_impl();
	mover_impl(const mover_impl &) = delete;
	mover_impl &operator=(const mover_impl &) = delete;
};

/* The vdm callbacks (ops.cpp). */
void *dml_op_new(struct vdm *vdm, enum vdm_operation_type type) noexcept;
int dml_op_start(void *data, const struct vdm_operation *op, struct future_notifier *n) noexcept;
enum future_state dml_op_check(void *data, const struct vdm_operation *op) noexcept;
void dml_op_delete(void *data, const struct vdm_operation *op,
                   struct vdm_operation_output *output) noexcept;

/* The hardware path (hw_path.cpp). */
enum class hw_start_result { started, refused, on_cpu };
hw_start_result hw_start(mover_impl &m, dml_record &r, const op_args &a) noexcept;
/* One check of a record in state hw/hw_retry; true once it is done. */
bool hw_check(mover_impl &m, dml_record &r, const op_args &a) noexcept;

/* Test hook: the mover's queue (nullptr for none). */
portal *mover_portal(struct data_mover_dml *dmd) noexcept;

} // namespace masync::dsa

/* The mover: standard layout, the struct vdm first. */
struct data_mover_dml {
	struct vdm base;
	masync::dsa::mover_impl *impl;
};

#endif
