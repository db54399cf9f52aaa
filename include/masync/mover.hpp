/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/mover.hpp -- data movers: RAII owners and typed memory operations.
 *
 * What it is
 *   sync_mover    owns a data_mover_sync (operations run on the polling
 *                 thread, during their first poll).
 *   threads_mover owns a data_mover_threads (operations run on worker
 *                 threads), configured by threads_mover_options.
 *   mover_ref     a non-owning handle on any struct vdm (another library's
 *                 mover, a hardware engine, libpmem2's per-map mover).
 *   All three offer memcpy, memmove, memset and flush, on pointers or on
 *   std::span, each returning a typed masync::future that holds the C
 *   struct vdm_operation_future by value (vdm_memcpy & co. are inline C, so
 *   the C++ layer adds no call, allocation or indirection per operation):
 *     pointer forms: result() -> void * (the destination), flush -> void
 *     span forms:    result() -> std::span<T> (the destination range)
 *   A future's result() throws masync::error with vdm_category() when the
 *   mover reports a failure (e.g. vdm_errc::out_of_memory when it had no
 *   record left); result(std::error_code &) reports it without throwing.
 *
 * Lifetime
 *   A mover must outlive every future created on it (not checked). Movers
 *   are move-only; a moved-from mover is empty (operator bool is false) and
 *   must not be used for operations. The destructor of threads_mover
 *   completes the queued operations first (data_mover_threads_delete).
 *   Construction failures throw masync::error with the errno the C library
 *   set; the (std::error_code &) constructors report it instead and leave the
 *   mover empty.
 *
 * Thread safety
 *   Any number of threads may create and poll futures on one mover at once
 *   (the C movers are thread-safe); constructing, moving and destroying a
 *   mover must not race with its use.
 *
 * Memory ordering
 *   That of the C movers: when a future completes, what the operation wrote
 *   is visible to the thread that saw it complete; with VDM_F_MEM_DURABLE
 *   (where capabilities() has it) it is also durable.
 */
#ifndef MASYNC_MOVER_HPP
#define MASYNC_MOVER_HPP

#include <cerrno>
#include <cstddef>
#include <span>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include <libminiasync/data_mover_sync.h>
#include <libminiasync/data_mover_threads.h>
#include <libminiasync/vdm.h>

#include "error.hpp"
#include "future.hpp"

namespace masync
{

/* How a mover's futures tell their poller they can progress. */
enum class notifier : int {
	none = FUTURE_NOTIFIER_NONE,
	waker = FUTURE_NOTIFIER_WAKER,
	poller = FUTURE_NOTIFIER_POLLER,
};

namespace detail
{

inline std::error_code vdm_error(const vdm_operation_future &f) noexcept
{
	if (f.output.result == VDM_SUCCESS)
		return {};
	return {static_cast<int>(f.output.result), vdm_category()};
}

inline void *vdm_dest(const vdm_operation_future &f) noexcept
{
	/*
	 * memcpy.dest, memmove.dest and memset.str are the common initial
	 * sequence of the output union's members (one void *), and flush's
	 * output is never read through this: one load, no switch.
	 */
	return f.output.output.memcpy.dest;
}

inline std::size_t vdm_size(const vdm_operation_future &f) noexcept
{
	const struct vdm_operation &op = f.data.operation;
	switch (op.type) {
	case VDM_OPERATION_MEMCPY:
		return op.data.memcpy.n;
	case VDM_OPERATION_MEMMOVE:
		return op.data.memmove.n;
	case VDM_OPERATION_MEMSET:
		return op.data.memset.n;
	default:
		return op.data.flush.n;
	}
}

} // namespace detail

/* Result policy of memcpy/memmove/memset futures: the destination pointer. */
struct vdm_pointer_result {
	using type = void *;
	static std::error_code error(const vdm_operation_future &f) noexcept
	{
		return detail::vdm_error(f);
	}
	static void *value(vdm_operation_future &f) noexcept { return detail::vdm_dest(f); }
};

/* Result policy of flush futures: nothing (only success or failure). */
struct vdm_void_result {
	using type = void;
	static std::error_code error(const vdm_operation_future &f) noexcept
	{
		return detail::vdm_error(f);
	}
	static void value(vdm_operation_future &) noexcept {}
};

/* Result policy of the span forms: the destination as std::span<T>. */
template <class T> struct vdm_span_result {
	using type = std::span<T>;
	static std::error_code error(const vdm_operation_future &f) noexcept
	{
		return detail::vdm_error(f);
	}
	static std::span<T> value(vdm_operation_future &f) noexcept
	{
		return {static_cast<T *>(detail::vdm_dest(f)), detail::vdm_size(f) / sizeof(T)};
	}
};

/* The future of memcpy, memmove and memset on pointers. */
using vdm_future = future<vdm_operation_future, vdm_pointer_result>;
/* The future of flush. */
using flush_future = future<vdm_operation_future, vdm_void_result>;
/* The future of the span forms. */
template <class T> using span_future = future<vdm_operation_future, vdm_span_result<T>>;

/*
 * The memory operations of any mover; Derived provides
 * `struct vdm *get_vdm() const noexcept`.
 */
template <class Derived> class vdm_operations
{
	struct vdm *v() const noexcept { return static_cast<const Derived *>(this)->get_vdm(); }

	template <class T, std::size_t E>
	static void check_fits(std::span<T, E> dst, std::size_t src_size, const char *what)
	{
		if (dst.size() < src_size)
			throw_error(make_errno_error_code(EINVAL), what);
	}

      public:
	/* The VDM_F_* capabilities of the mover. */
	unsigned capabilities() const noexcept { return v()->capabilities; }
	/* Whether every bit of `caps` is supported (vdm_is_supported). */
	bool is_supported(unsigned caps) const noexcept { return vdm_is_supported(v(), caps); }

	/* Copies n bytes from src to dst (non-overlapping). */
	vdm_future memcpy(void *dst, const void *src, std::size_t n,
	                  unsigned flags = 0) const noexcept
	{
		return vdm_future(std::in_place, [&] {
			return vdm_memcpy(v(), dst, const_cast<void *>(src), n, flags);
		});
	}

	/* Copies n bytes from src to dst; the ranges may overlap. */
	vdm_future memmove(void *dst, const void *src, std::size_t n,
	                   unsigned flags = 0) const noexcept
	{
		return vdm_future(std::in_place, [&] {
			return vdm_memmove(v(), dst, const_cast<void *>(src), n, flags);
		});
	}

	/* Sets n bytes at dst to (unsigned char)c. */
	vdm_future memset(void *dst, int c, std::size_t n, unsigned flags = 0) const noexcept
	{
		return vdm_future(std::in_place, [&] { return vdm_memset(v(), dst, c, n, flags); });
	}

	/* Writes the cache lines of [p, p + n) back to memory. */
	flush_future flush(const void *p, std::size_t n, unsigned flags = 0) const noexcept
	{
		return flush_future(
		    std::in_place, [&] { return vdm_flush(v(), const_cast<void *>(p), n, flags); });
	}

	/*
	 * Copies src into the beginning of dst; the result is the written part
	 * of dst. Throws masync::error (EINVAL) when dst is smaller than src.
	 */
	template <class T, std::size_t E>
	requires std::is_trivially_copyable_v<T> &&
	    (!std::is_const_v<T>)span_future<T> memcpy(std::span<T, E> dst,
	                                               std::type_identity_t<std::span<const T>> src,
	                                               unsigned flags = 0) const
	{
		check_fits(dst, src.size(), "masync memcpy: destination too small");
		return span_future<T>(std::in_place, [&] {
			return vdm_memcpy(v(), dst.data(), const_cast<T *>(src.data()),
			                  src.size_bytes(), flags);
		});
	}

	/* As memcpy on spans; the ranges may overlap. */
	template <class T, std::size_t E>
	requires std::is_trivially_copyable_v<T> &&(!std::is_const_v<T>)span_future<T> memmove(
	    std::span<T, E> dst, std::type_identity_t<std::span<const T>> src,
	    unsigned flags = 0) const
	{
		check_fits(dst, src.size(), "masync memmove: destination too small");
		return span_future<T>(std::in_place, [&] {
			return vdm_memmove(v(), dst.data(), const_cast<T *>(src.data()),
			                   src.size_bytes(), flags);
		});
	}

	/* Sets every byte of dst to (unsigned char)c. */
	template <class T, std::size_t E>
	requires std::is_trivially_copyable_v<T> &&
	    (!std::is_const_v<T>)span_future<T> memset(std::span<T, E> dst, int c,
	                                               unsigned flags = 0) const noexcept
	{
		return span_future<T>(std::in_place, [&] {
			return vdm_memset(v(), dst.data(), c, dst.size_bytes(), flags);
		});
	}

	/* Writes the cache lines of the range back to memory. */
	template <class T, std::size_t E>
	flush_future flush(std::span<T, E> range, unsigned flags = 0) const noexcept
	{
		return flush_future(std::in_place, [&] {
			return vdm_flush(v(), const_cast<std::remove_const_t<T> *>(range.data()),
			                 range.size_bytes(), flags);
		});
	}
};

/* A non-owning handle on any struct vdm. */
class mover_ref : public vdm_operations<mover_ref>
{
      public:
	constexpr explicit mover_ref(struct vdm *v) noexcept : vdm_(v) {}
	struct vdm *get_vdm() const noexcept { return vdm_; }

      private:
	struct vdm *vdm_;
};

/* Owns a synchronous data mover. */
class sync_mover : public vdm_operations<sync_mover>
{
      public:
	/* Throws masync::error (errno) when the mover cannot be created. */
	sync_mover() : m_(data_mover_sync_new())
	{
		if (m_ == nullptr)
			throw_error(make_errno_error_code(errno), "data_mover_sync_new");
	}
	/* Reports failure through ec (the mover is then empty). */
	explicit sync_mover(std::error_code &ec) noexcept : m_(data_mover_sync_new())
	{
		ec = m_ ? std::error_code{} : make_errno_error_code(errno);
	}
	/* Takes ownership of an existing mover. */
	explicit sync_mover(struct data_mover_sync *m) noexcept : m_(m) {}

	sync_mover(const sync_mover &) = delete;
	sync_mover &operator=(const sync_mover &) = delete;
	sync_mover(sync_mover &&o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
	sync_mover &operator=(sync_mover &&o) noexcept
	{
		if (this != &o)
			data_mover_sync_delete(std::exchange(m_, std::exchange(o.m_, nullptr)));
		return *this;
	}
	~sync_mover() { data_mover_sync_delete(m_); }

	explicit operator bool() const noexcept { return m_ != nullptr; }
	/* The mover's struct vdm (the same address as the mover; no call). */
	struct vdm *get_vdm() const noexcept { return reinterpret_cast<struct vdm *>(m_); }
	mover_ref ref() const noexcept { return mover_ref(get_vdm()); }
	struct data_mover_sync *native() const noexcept { return m_; }
	struct data_mover_sync *release() noexcept { return std::exchange(m_, nullptr); }

      private:
	struct data_mover_sync *m_;
};

/*
 * The worker count of data_mover_threads_default and of a threads_mover
 * built with threads = 0: one per CPU but one, at least one. The CPU left
 * over is the one of the thread that creates and polls the futures: on a
 * 2-CPU machine a second worker only competes with it (4 KiB copies in
 * flight ran at 0.26 x a plain memcpy with two workers, 0.63 x with one;
 * docs/threads_mover.md). A thread waiting in runtime_wait copies chunks of
 * a large operation itself, so one big copy still uses every CPU.
 */
inline std::size_t threads_default_workers() noexcept
{
	const std::size_t hw = std::thread::hardware_concurrency();
	return hw <= 1 ? 1 : hw - 1;
}

/* How to build a threads_mover. */
struct threads_mover_options {
	/* Worker threads; 0: as data_mover_threads_default (one per CPU but one, at least 1). */
	std::size_t threads = 0;
	/* Entries of the submission queue (data_mover_threads_new's ringbuf_size). */
	std::size_t queue_size = 1024;
	/* The notifier the mover's futures use. */
	masync::notifier notifier = masync::notifier::waker;
	/* Custom memory functions (nullptr: the mover's own); they receive the vdm flags. */
	::memcpy_fn memcpy_fn = nullptr;
	::memmove_fn memmove_fn = nullptr;
	::memset_fn memset_fn = nullptr;
	/*
	 * The custom functions above leave their destination durable when called
	 * with VDM_F_MEM_DURABLE (DATA_MOVER_THREADS_FN_DURABLE, see
	 * data_mover_threads_set_memcpy_fn_flags(3)): the mover then only
	 * fences after them. True only if it holds for every memory the mover
	 * writes to (a libpmem2 map's functions: that map's granularity).
	 */
	bool fns_durable = false;
};

/* Owns a threads data mover. */
class threads_mover : public vdm_operations<threads_mover>
{
      public:
	/* The machine-sized default mover (data_mover_threads_default). */
	threads_mover() : m_(data_mover_threads_default())
	{
		if (m_ == nullptr)
			throw_error(make_errno_error_code(errno), "data_mover_threads_default");
	}
	/* A mover built from `o`; throws masync::error (errno) on failure. */
	explicit threads_mover(const threads_mover_options &o) : m_(create(o))
	{
		if (m_ == nullptr)
			throw_error(make_errno_error_code(errno), "data_mover_threads_new");
	}
	/* As above, reporting failure through ec (the mover is then empty). */
	threads_mover(const threads_mover_options &o, std::error_code &ec) noexcept : m_(create(o))
	{
		ec = m_ ? std::error_code{} : make_errno_error_code(errno);
	}
	/* Takes ownership of an existing mover. */
	explicit threads_mover(struct data_mover_threads *m) noexcept : m_(m) {}

	threads_mover(const threads_mover &) = delete;
	threads_mover &operator=(const threads_mover &) = delete;
	threads_mover(threads_mover &&o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
	threads_mover &operator=(threads_mover &&o) noexcept
	{
		if (this != &o)
			data_mover_threads_delete(std::exchange(m_, std::exchange(o.m_, nullptr)));
		return *this;
	}
	/* Completes the queued operations, stops the workers. */
	~threads_mover() { data_mover_threads_delete(m_); }

	explicit operator bool() const noexcept { return m_ != nullptr; }
	struct vdm *get_vdm() const noexcept { return reinterpret_cast<struct vdm *>(m_); }
	mover_ref ref() const noexcept { return mover_ref(get_vdm()); }
	struct data_mover_threads *native() const noexcept { return m_; }
	struct data_mover_threads *release() noexcept { return std::exchange(m_, nullptr); }

      private:
	static struct data_mover_threads *create(const threads_mover_options &o) noexcept
	{
		const std::size_t n = o.threads != 0 ? o.threads : threads_default_workers();
		struct data_mover_threads *m = data_mover_threads_new(
		    n, o.queue_size, static_cast<enum future_notifier_type>(o.notifier));
		if (m == nullptr)
			return nullptr;
		const unsigned fn_flags = o.fns_durable ? DATA_MOVER_THREADS_FN_DURABLE : 0u;
		if (o.memcpy_fn)
			(void)data_mover_threads_set_memcpy_fn_flags(m, o.memcpy_fn, fn_flags);
		if (o.memmove_fn)
			(void)data_mover_threads_set_memmove_fn_flags(m, o.memmove_fn, fn_flags);
		if (o.memset_fn)
			(void)data_mover_threads_set_memset_fn_flags(m, o.memset_fn, fn_flags);
		return m;
	}

	struct data_mover_threads *m_;
};

} // namespace masync

#endif /* MASYNC_MOVER_HPP */
