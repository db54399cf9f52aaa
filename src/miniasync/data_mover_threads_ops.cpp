/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The memory work of the threads mover: one byte range of one operation,
 * run by the operation core (common/vdm_op.hpp) with the mover's custom
 * functions, if any (data_mover_threads_set_*_fn). The core honours the
 * operation's flags through the project's kernels and never fences: every
 * thread that ran ranges calls vdm_op::finish before it publishes
 * completion, because non-temporal stores and write-backs are not ordered
 * by a release store.
 *
 * Custom functions receive the operation's flags unchanged; for
 * VDM_F_MEM_DURABLE the range is also written back afterwards, so the
 * guarantee holds whatever the function does, except after a function its
 * setter declared durable (DATA_MOVER_THREADS_FN_DURABLE,
 * data_mover_threads_set_*_fn_flags): it made the range durable itself and
 * only the fence is left.
 */

#include "miniasync/data_mover_threads.hpp"

namespace masync::detail
{

void threads_mover::run_range(const threads_op &op, std::size_t offset,
                              std::size_t len) const noexcept
{
	vdm_op::custom_fns fns;
	const vdm_op::custom_fns *use = nullptr;
	/*
	 * Acquire on the function, relaxed on its durable slot: the setters
	 * write the slot first (data_mover_threads.cpp).
	 */
	switch (op.type) {
	case VDM_OPERATION_MEMCPY:
		if ((fns.cpy = op_memcpy_.load(std::memory_order_acquire)) != nullptr) {
			fns.cpy_durable =
			    fns.cpy == durable_memcpy_.load(std::memory_order_relaxed);
			use = &fns;
		}
		break;
	case VDM_OPERATION_MEMMOVE:
		if ((fns.mov = op_memmove_.load(std::memory_order_acquire)) != nullptr) {
			fns.mov_durable =
			    fns.mov == durable_memmove_.load(std::memory_order_relaxed);
			use = &fns;
		}
		break;
	case VDM_OPERATION_MEMSET:
		if ((fns.set = op_memset_.load(std::memory_order_acquire)) != nullptr) {
			fns.set_durable =
			    fns.set == durable_memset_.load(std::memory_order_relaxed);
			use = &fns;
		}
		break;
	default:
		break;
	}
	vdm_op::run_range(op, offset, len, use);
}

bool threads_mover::uses_custom_fn(const threads_op &op) const noexcept
{
	switch (op.type) {
	case VDM_OPERATION_MEMCPY:
		return op_memcpy_.load(std::memory_order_relaxed) != nullptr;
	case VDM_OPERATION_MEMMOVE:
		return op_memmove_.load(std::memory_order_relaxed) != nullptr;
	case VDM_OPERATION_MEMSET:
		return op_memset_.load(std::memory_order_relaxed) != nullptr;
	default:
		return false;
	}
}

} // namespace masync::detail
