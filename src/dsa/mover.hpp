/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * dsa/mover.hpp -- the DSA data mover's state: the mover, its per-operation
 * records and its counters (see libminiasync-vdm-dml.h for the contract).
 *
 * One operation's record (dml_record) comes from the mover's lock-free pool,
 * or from the calling thread's cache of freed records (per counter slot,
 * at most cached_records, so no compare-and-swap on the common path; a
 * thread's cache may thus hold up to that many records the others cannot
 * take), and lives from op_new to op_delete and holds the descriptor and the 32-byte aligned
 * completion record the device writes. Its state moves one way:
 *   idle -> done                      (CPU inline, error, n == 0)
 *   idle -> hw -> [hw_retry <-> hw] -> done   (DSA; hw_retry: a refused
 *                                      resubmission, retried at next check)
 *   idle -> hw_batch -> hw ...         (a member of a batch, hw_path.cpp)
 *   idle -> threads -> done           (AUTO without a queue)
 * so every operation completes exactly once.
 *
 * Thread safety: a record is touched only by the thread polling its future;
 * the mover's shared parts are the pool, the portal, the batch slots (their
 * state word) and the counters (dsa/counters.hpp). A batch member's bstate
 * is the one record field two threads may write (CAS; hw_path.cpp).
 */
#ifndef MASYNC_DSA_MOVER_HPP
#define MASYNC_DSA_MOVER_HPP

#include "common/record_pool.hpp"
#include "dsa/counters.hpp"
#include "dsa/cpu_path.hpp"
#include "dsa/portal.hpp"

#include <libminiasync-vdm-dml.h>
#include <libminiasync/data_mover_dsa.h>

#include <atomic>
#include <cstddef>

namespace masync::dsa
{

struct mover_impl;
struct batch_slot;

enum class rec_state : std::uint8_t { idle, done, hw, hw_retry, hw_batch, threads };

/* A batch member's progress (rec_state::hw_batch), see hw_path.cpp. */
enum batch_state : std::uint8_t {
	b_pending, /* in an open batch, not sent yet */
	b_sent,    /* sent (in a BATCH or alone): its completion record will be written */
	b_refused, /* the batch was refused: the member continues on its own */
	b_error,   /* the batch could never be accepted */
	b_direct,  /* taken out of the batch by a thread polling it: sent alone */
};

struct dml_record {
	dsa_completion_record comp __attribute__((aligned(32)));
	dsa_hw_desc desc __attribute__((aligned(64)));
	mover_impl *owner = nullptr;
	std::size_t done = 0;  /* bytes finished */
	std::size_t chunk = 0; /* bytes of the descriptor in flight */
	unsigned faults = 0;
	rec_state state = rec_state::idle;
	bool fresh = false;                 /* batch member: the check in op_start's poll */
	std::atomic<std::uint8_t> bstate{}; /* batch_state */
	batch_slot *batch = nullptr;
	enum vdm_operation_result result = VDM_SUCCESS;
	struct vdm_operation_future tfut; /* the part delegated to the threads mover */
	dml_record *next_free = nullptr;  /* in a thread's record cache */
};

/* Records a thread slot keeps for reuse (beyond that, back to the pool). */
inline constexpr unsigned cached_records = 16;

/* One thread slot's cache of free records: touched by that slot's thread only. */
struct alignas(64) record_cache {
	dml_record *head = nullptr;
	unsigned count = 0;
};

/* Most members a batch of this mover holds (queues may allow fewer). */
inline constexpr unsigned max_batch_members = 32;
/* Batches per mover (open or in the device); none free: descriptors go alone. */
inline constexpr unsigned batch_slots = 16;

enum batch_slot_state : std::uint8_t { bs_free, bs_filling, bs_sent };

struct batch_slot {
	dsa_hw_desc list[max_batch_members] __attribute__((aligned(64)));
	dsa_hw_desc desc __attribute__((aligned(64)));
	dsa_completion_record comp __attribute__((aligned(32)));
	dml_record *members[max_batch_members];
	unsigned count = 0;
	std::atomic<std::uint8_t> state{bs_free};
};

struct mover_impl {
	enum data_mover_dml_type type = DATA_MOVER_DML_SOFTWARE;
	std::atomic<std::size_t> threshold{DATA_MOVER_DSA_DEFAULT_THRESHOLD};
	std::atomic<unsigned> batch_size{0}; /* 0/1: no batching */
	std::atomic<int> wait_mode{DATA_MOVER_DSA_WAIT_POLL};
	std::unique_ptr<portal> wq;
	struct data_mover_threads *threads = nullptr;
	struct vdm *threads_vdm = nullptr;
	unsigned workers = 1;              /* the threads mover's (data_mover_threads_default) */
	std::atomic<unsigned> inflight{0}; /* dedicated queue: bounded by its size */
	counters count;
	/* Each counter slot's (thread's) open batch; touched by that thread only. */
	batch_slot *open_batch[counter_slots] = {};
	std::unique_ptr<batch_slot[]> batches;
	record_cache cache[counter_slots];
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

/* Test hook: skip the CPU write-back of durable device writes (persistence checker test). */
extern bool test_skip_write_back;

} // namespace masync::dsa

/* The mover: standard layout, the struct vdm first. */
struct data_mover_dml {
	struct vdm base;
	masync::dsa::mover_impl *impl;
};

#endif
