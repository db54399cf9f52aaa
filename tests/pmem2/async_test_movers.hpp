/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Small movers for the async API's tests:
 *   scripted_mover  synchronous, with a chosen (possibly broken) behaviour:
 *                   correct (flush + fence), skipping its fence, skipping its
 *                   write-backs, or failing every operation;
 *   recording_mover forwards to another mover and records the flags of each
 *                   operation it starts (single-threaded tests only).
 */
#ifndef MASYNC_TESTS_PMEM2_ASYNC_TEST_MOVERS_HPP
#define MASYNC_TESTS_PMEM2_ASYNC_TEST_MOVERS_HPP

#include <libminiasync/vdm.h>

#include "common/flush.hpp"

#include <cstdint>
#include <cstring>
#include <vector>

namespace async_test
{

enum class script {
	correct,  /* stores, writes back with VDM_F_MEM_DURABLE, fences */
	no_fence, /* like correct, but never fences */
	no_flush, /* stores and fences, but never writes back */
	fail,     /* runs nothing, completes with VDM_ERROR_JOB_CORRUPTED */
};

/* A synchronous mover; its one "record" is itself (fine for one thread). */
struct scripted_mover {
	struct vdm base;
	script how;
	int started = 0;

	explicit scripted_mover(script s, unsigned capabilities = VDM_F_MEM_DURABLE) : how(s)
	{
		base.op_new = [](struct vdm *v, enum vdm_operation_type) -> void * { return v; };
		base.op_start = [](void *rec, const struct vdm_operation *op,
		                   struct future_notifier *n) -> int {
			auto *self = static_cast<scripted_mover *>(rec);
			if (n)
				n->notifier_used = FUTURE_NOTIFIER_NONE;
			self->started++;
			self->run(op);
			return 0;
		};
		base.op_check = [](void *, const struct vdm_operation *) {
			return FUTURE_STATE_COMPLETE;
		};
		base.op_delete = [](void *rec, const struct vdm_operation *op,
		                    struct vdm_operation_output *out) {
			auto *self = static_cast<scripted_mover *>(rec);
			out->type = op->type;
			bool ok = self->how != script::fail;
			out->result = ok ? VDM_SUCCESS : VDM_ERROR_JOB_CORRUPTED;
			out->output.memcpy.dest = ok ? op->data.memcpy.dest : nullptr;
		};
		base.capabilities = capabilities;
		base.has_property = nullptr;
	}

	struct vdm *vdm() { return &base; }

	void run(const struct vdm_operation *op)
	{
		if (how == script::fail)
			return;
		void *dest = nullptr;
		std::size_t n = 0;
		std::uint64_t flags = 0;
		switch (op->type) {
		case VDM_OPERATION_MEMCPY:
			dest = op->data.memcpy.dest;
			n = op->data.memcpy.n;
			flags = op->data.memcpy.flags;
			std::memcpy(dest, op->data.memcpy.src, n);
			break;
		case VDM_OPERATION_MEMMOVE:
			dest = op->data.memmove.dest;
			n = op->data.memmove.n;
			flags = op->data.memmove.flags;
			std::memmove(dest, op->data.memmove.src, n);
			break;
		case VDM_OPERATION_MEMSET:
			dest = op->data.memset.str;
			n = op->data.memset.n;
			flags = op->data.memset.flags;
			std::memset(dest, op->data.memset.c, n);
			break;
		case VDM_OPERATION_FLUSH:
			dest = op->data.flush.dest;
			n = op->data.flush.n;
			flags = VDM_F_MEM_DURABLE;
			break;
		}
		if (!(flags & VDM_F_MEM_DURABLE))
			return;
		if (how != script::no_flush)
			masync::flush_range(dest, n);
		if (how != script::no_fence)
			masync::store_fence();
	}
};

/* Forwards to `inner`, recording each started operation's flags. */
struct recording_mover {
	struct vdm base;
	struct vdm *inner;
	std::vector<std::uint64_t> flags;

	static recording_mover *&current()
	{
		static recording_mover *c = nullptr;
		return c;
	}

	explicit recording_mover(struct vdm *in) : inner(in)
	{
		current() = this;
		base.op_new = [](struct vdm *, enum vdm_operation_type t) {
			return current()->inner->op_new(current()->inner, t);
		};
		base.op_start = [](void *rec, const struct vdm_operation *op,
		                   struct future_notifier *n) {
			auto *self = current();
			std::uint64_t f = 0;
			switch (op->type) {
			case VDM_OPERATION_MEMCPY:
				f = op->data.memcpy.flags;
				break;
			case VDM_OPERATION_MEMMOVE:
				f = op->data.memmove.flags;
				break;
			case VDM_OPERATION_MEMSET:
				f = op->data.memset.flags;
				break;
			case VDM_OPERATION_FLUSH:
				f = op->data.flush.flags;
				break;
			}
			self->flags.push_back(f);
			return self->inner->op_start(rec, op, n);
		};
		base.op_check = [](void *rec, const struct vdm_operation *op) {
			return current()->inner->op_check(rec, op);
		};
		base.op_delete = [](void *rec, const struct vdm_operation *op,
		                    struct vdm_operation_output *out) {
			current()->inner->op_delete(rec, op, out);
		};
		base.capabilities = in->capabilities;
		base.has_property = in->has_property;
	}
	~recording_mover() { current() = nullptr; }
	recording_mover(const recording_mover &) = delete;
	recording_mover &operator=(const recording_mover &) = delete;

	struct vdm *vdm() { return &base; }
};

} // namespace async_test

#endif
