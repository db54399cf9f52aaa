/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's creation and deletion, its configuration and the C
 * entry points. The mover itself is described in data_mover_threads.hpp.
 */

#include "miniasync/data_mover_threads.hpp"
#include "common/env.hpp"
#include "common/vdm_table.hpp"
#include "masync/mover.hpp"
#include "miniasync/export.hpp"

#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>
#include <type_traits>

static_assert(std::is_standard_layout_v<data_mover_threads>,
              "the vdm must be at the handle's address");

namespace masync::detail
{
namespace
{

std::atomic<int> fail_thread_creation_at{-1};

/* Largest queue accepted; larger requests fail with EINVAL. */
constexpr std::size_t max_ring_size = std::size_t(1) << 24;
/* Largest worker count accepted; larger requests fail with EINVAL. */
constexpr std::size_t max_threads = 1024;

std::size_t env_or(const char *name, std::size_t fallback) noexcept
{
	std::size_t v = fallback;
	(void)env_size(name, &v);
	return v;
}

std::size_t ring_for(std::size_t requested) noexcept
{
	std::size_t ring = 2;
	while (ring < requested)
		ring <<= 1;
	return ring;
}

/* The configuration as the mover runs it: rounded, defaults filled in. */
threads_config effective(const threads_config &c) noexcept
{
	threads_config e = c;
	e.ring_size = ring_for(c.ring_size);
	if (e.chunk_size < 4096)
		e.chunk_size = 4096;
	if (e.cpus == 0)
		e.cpus = std::thread::hardware_concurrency();
	if (e.spinners == 0) /* half the workers, at least one, spin when idle */
		e.spinners = static_cast<std::uint32_t>((c.nthreads + 1) / 2);
	return e;
}

/*
 * The durable slot is written first: a worker that loads the new function
 * (acquire) also sees its slot, one that still loads the old function
 * compares it with a slot that is either nullptr or the new function, and at
 * worst writes its range back once more.
 */
template <typename Fn>
void set_fn(std::atomic<Fn> &slot, std::atomic<Fn> &durable_slot, Fn fn, unsigned fn_flags)
{
	durable_slot.store((fn_flags & DATA_MOVER_THREADS_FN_DURABLE) ? fn : nullptr,
	                   std::memory_order_relaxed);
	slot.store(fn, std::memory_order_release);
}

} // namespace

threads_mover::threads_mover(const threads_config &config)
    : handle_{vdm_table({op_new, op_delete, op_start, op_check, has_property},
                        VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT),
              this},
      config_(effective(config)), records_(config.records), queue_(config_.ring_size),
      nworkers_(config.nthreads), workers_(new threads_worker[config.nthreads]),
      sleeping_words_((config.nthreads + 63) / 64),
      sleeping_(new std::atomic<std::uint64_t>[sleeping_words_])
{
	for (std::size_t w = 0; w < sleeping_words_; ++w)
		sleeping_[w].store(0, std::memory_order_relaxed);
}

threads_mover::~threads_mover()
{
	/* The workers drain the queue before they exit (they leave only when it is empty). */
	stop_workers(started_);
}

int threads_mover::start_workers() noexcept
{
	for (std::size_t i = 0; i < nworkers_; ++i) {
		int fail_at = fail_thread_creation_at.load(std::memory_order_relaxed);
		int err = 0;
		if (fail_at >= 0 && i >= static_cast<std::size_t>(fail_at)) {
			err = EAGAIN;
		} else {
			try {
				workers_[i].thread = std::thread([this, i] { worker_main(i); });
			} catch (const std::system_error &e) {
				err = e.code().value() ? e.code().value() : EAGAIN;
			} catch (...) {
				err = ENOMEM;
			}
		}
		if (err != 0) {
			stop_workers(i);
			started_ = 0;
			return err;
		}
		started_ = i + 1;
	}
	return 0;
}

void threads_mover::set_memcpy(memcpy_fn fn, unsigned fn_flags) noexcept
{
	set_fn(op_memcpy_, durable_memcpy_, fn, fn_flags);
}

void threads_mover::set_memmove(memmove_fn fn, unsigned fn_flags) noexcept
{
	set_fn(op_memmove_, durable_memmove_, fn, fn_flags);
}

void threads_mover::set_memset(memset_fn fn, unsigned fn_flags) noexcept
{
	set_fn(op_memset_, durable_memset_, fn, fn_flags);
}

threads_config threads_default_config()
{
	threads_config c;
	c.inline_max = env_or("MASYNC_THREADS_INLINE_MAX", 1024);
	c.chunk_size = env_or("MASYNC_THREADS_CHUNK", std::size_t(256) << 10);
	if (c.chunk_size < 4096)
		c.chunk_size = 4096;
	c.spin_ns = static_cast<std::uint32_t>(env_or("MASYNC_THREADS_SPIN_NS", 50000));
	std::size_t chain = env_or("MASYNC_THREADS_COALESCE", c.coalesce_chain);
	c.coalesce_chain = static_cast<std::uint32_t>(chain == 0 ? 1 : chain > 1024 ? 1024 : chain);
	std::size_t records = env_or("MASYNC_THREADS_RECORDS", 16384);
	c.records = static_cast<std::uint32_t>(records > record_pool<threads_record>::max_capacity
	                                           ? record_pool<threads_record>::max_capacity
	                                           : records);
	c.spinners = 0; /* chosen from the worker count in threads_mover_create */
	return c;
}

void threads_test_fail_thread_creation_at(int n) noexcept
{
	fail_thread_creation_at.store(n, std::memory_order_relaxed);
}

const threads_config &threads_mover_config(const data_mover_threads *m) noexcept
{
	return m->mover->config();
}

data_mover_threads *threads_mover_create(const threads_config &config) noexcept
{
	if (config.nthreads == 0 || config.nthreads > max_threads || config.ring_size == 0 ||
	    config.ring_size > max_ring_size) {
		errno = EINVAL;
		return nullptr;
	}
	/* Read as an integer: a C caller may pass any int, which is no valid C++ enum value. */
	int notifier;
	static_assert(sizeof(notifier) == sizeof(config.notifier));
	std::memcpy(&notifier, &config.notifier, sizeof(notifier));
	if (notifier != FUTURE_NOTIFIER_NONE && notifier != FUTURE_NOTIFIER_WAKER &&
	    notifier != FUTURE_NOTIFIER_POLLER) {
		errno = EINVAL;
		return nullptr;
	}
	threads_mover *m = nullptr;
	try {
		m = new threads_mover(config);
	} catch (const std::bad_alloc &) {
		errno = ENOMEM;
		return nullptr;
	}
	if (int err = m->start_workers(); err != 0) {
		delete m;
		errno = err;
		return nullptr;
	}
	return m->handle();
}

} // namespace masync::detail

using masync::detail::threads_mover;

namespace
{

bool bad_fn_call(const data_mover_threads *dmt, unsigned fn_flags)
{
	return dmt == nullptr || (fn_flags & ~DATA_MOVER_THREADS_FN_VALID_FLAGS) != 0;
}

} // namespace

extern "C" {

MINIASYNC_EXPORT struct data_mover_threads *
data_mover_threads_new(size_t nthreads, size_t ringbuf_size,
                       enum future_notifier_type desired_notifier)
{
	masync::detail::threads_config c = masync::detail::threads_default_config();
	c.nthreads = nthreads;
	c.ring_size = ringbuf_size;
	std::memcpy(&c.notifier, &desired_notifier, sizeof(c.notifier));
	return masync::detail::threads_mover_create(c);
}

MINIASYNC_EXPORT struct data_mover_threads *data_mover_threads_default(void)
{
	masync::detail::threads_config c = masync::detail::threads_default_config();
	c.nthreads = masync::threads_default_workers();
	c.ring_size = 1024;
	c.notifier = FUTURE_NOTIFIER_WAKER;
	return masync::detail::threads_mover_create(c);
}

MINIASYNC_EXPORT struct vdm *data_mover_threads_get_vdm(struct data_mover_threads *dmt)
{
	return &dmt->base;
}

MINIASYNC_EXPORT void data_mover_threads_delete(struct data_mover_threads *dmt)
{
	if (dmt != nullptr)
		delete dmt->mover;
}

MINIASYNC_EXPORT void data_mover_threads_set_memcpy_fn(struct data_mover_threads *dmt,
                                                       memcpy_fn op_memcpy)
{
	if (dmt != nullptr)
		dmt->mover->set_memcpy(op_memcpy, 0);
}

MINIASYNC_EXPORT void data_mover_threads_set_memmove_fn(struct data_mover_threads *dmt,
                                                        memmove_fn op_memmove)
{
	if (dmt != nullptr)
		dmt->mover->set_memmove(op_memmove, 0);
}

MINIASYNC_EXPORT void data_mover_threads_set_memset_fn(struct data_mover_threads *dmt,
                                                       memset_fn op_memset)
{
	if (dmt != nullptr)
		dmt->mover->set_memset(op_memset, 0);
}

MINIASYNC_EXPORT int data_mover_threads_set_memcpy_fn_flags(struct data_mover_threads *dmt,
                                                            memcpy_fn op_memcpy, unsigned fn_flags)
{
	if (bad_fn_call(dmt, fn_flags))
		return EINVAL;
	dmt->mover->set_memcpy(op_memcpy, fn_flags);
	return 0;
}

MINIASYNC_EXPORT int data_mover_threads_set_memmove_fn_flags(struct data_mover_threads *dmt,
                                                             memmove_fn op_memmove,
                                                             unsigned fn_flags)
{
	if (bad_fn_call(dmt, fn_flags))
		return EINVAL;
	dmt->mover->set_memmove(op_memmove, fn_flags);
	return 0;
}

MINIASYNC_EXPORT int data_mover_threads_set_memset_fn_flags(struct data_mover_threads *dmt,
                                                            memset_fn op_memset, unsigned fn_flags)
{
	if (bad_fn_call(dmt, fn_flags))
		return EINVAL;
	dmt->mover->set_memset(op_memset, fn_flags);
	return 0;
}

} // extern "C"
