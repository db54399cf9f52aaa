/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/pmem2.hpp -- libpmem2 from C++: RAII sources, configs and maps,
 * their memory functions, and durable asynchronous operations.
 *
 * What it is
 *   masync::pmem2::source  owns a struct pmem2_source (from_fd, from_anon)
 *   masync::pmem2::config  owns a struct pmem2_config (chainable setters)
 *   masync::pmem2::map     owns a struct pmem2_map (pmem2_map_new/delete):
 *     address(), size(), bytes(), store_granularity();
 *     granularity_name() names a granularity ("BYTE", "CACHE_LINE", "PAGE");
 *     memcpy/memmove/memset/persist/flush/drain through the map's own
 *     functions (looked up once, when the map is made: a call per operation
 *     costs what the C function pointer call costs); deep_flush().
 *   With the asynchronous API (define PMEM2_USE_MINIASYNC before including
 *   this header, as for <libpmem2.h>):
 *     config::set_vdm(mover) and
 *     map::memcpy_async / memmove_async / memset_async (pointers or spans),
 *     returning masync::pmem2::async_future, a masync::future holding the C
 *     struct pmem2_future by value: pollable, waitable on a runtime,
 *     awaitable in a task, composable. When it completes successfully the
 *     written range is durable (libpmem2/async.h). Its result() is the
 *     destination; on failure (output.dest == NULL) it throws masync::error
 *     whose code is the mover's result (vdm_category()) when the mover
 *     failed, otherwise pmem2 PMEM2_E_UNKNOWN, and whose message includes
 *     pmem2_errormsg() of the polling thread.
 *
 * Errors
 *   Failing calls throw masync::error with pmem2_category() and the C
 *   return value (PMEM2_E_* or -errno), the message being pmem2_errormsg().
 *   Constructors and calls with a trailing std::error_code & report instead
 *   of throwing. Destructors never throw (a failing pmem2_map_delete is
 *   ignored; use map::reset(std::error_code &) to see it).
 *
 * Lifetime
 *   Move-only owners. A map may outlive the source and config it was made
 *   from (libpmem2 copies what it needs). A vdm given to a config is
 *   borrowed and must outlive the maps made with it; a map must outlive its
 *   futures.
 *
 * Thread safety
 *   As libpmem2: distinct objects may be used concurrently; a map's memory
 *   functions and async operations may be called from many threads at once;
 *   a config or source must not be modified while another thread uses it.
 *
 * Memory ordering
 *   persist() (and a completed async future) makes the range durable and
 *   visible; memcpy & co. follow the PMEM2_F_MEM_* flags (libpmem2(7)).
 */
#ifndef MASYNC_PMEM2_HPP
#define MASYNC_PMEM2_HPP

#include <cerrno>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include <libpmem2.h>
#include <masync/granularity.hpp>
#ifdef PMEM2_USE_MINIASYNC
#include <libpmem2/async.h>
#endif

#include "error.hpp"
#include "future.hpp"

namespace masync::pmem2
{

enum class sharing : int {
	shared = PMEM2_SHARED,
	private_ = PMEM2_PRIVATE,
};

namespace detail
{

/* The error of a libpmem2 return value, with pmem2_errormsg(), thrown. */
[[noreturn]] inline void throw_pmem2(int ret, const char *call)
{
	const char *msg = pmem2_errormsg();
	std::string what(call);
	if (msg != nullptr && *msg != '\0')
		what += std::string(": ") + msg;
	throw_error(make_pmem2_error_code(ret), what.c_str());
}

inline void check(int ret, const char *call)
{
	if (ret != 0)
		throw_pmem2(ret, call);
}

inline void check(int ret, std::error_code &ec) noexcept
{
	ec = ret ? make_pmem2_error_code(ret) : std::error_code{};
}

} // namespace detail

/* Owns a struct pmem2_source. */
class source
{
      public:
	source() noexcept = default;
	/* Takes ownership of an existing source. */
	explicit source(struct pmem2_source *s) noexcept : s_(s) {}

	/* A source for the file open as fd (the fd stays the caller's). */
	static source from_fd(int fd)
	{
		struct pmem2_source *s = nullptr;
		detail::check(pmem2_source_from_fd(&s, fd), "pmem2_source_from_fd");
		return source(s);
	}
	static source from_fd(int fd, std::error_code &ec) noexcept
	{
		struct pmem2_source *s = nullptr;
		detail::check(pmem2_source_from_fd(&s, fd), ec);
		return source(s);
	}
	/* An anonymous source of `size` bytes. */
	static source from_anon(std::size_t size)
	{
		struct pmem2_source *s = nullptr;
		detail::check(pmem2_source_from_anon(&s, size), "pmem2_source_from_anon");
		return source(s);
	}
	static source from_anon(std::size_t size, std::error_code &ec) noexcept
	{
		struct pmem2_source *s = nullptr;
		detail::check(pmem2_source_from_anon(&s, size), ec);
		return source(s);
	}

	source(const source &) = delete;
	source &operator=(const source &) = delete;
	source(source &&o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
	source &operator=(source &&o) noexcept
	{
		if (this != &o) {
			pmem2_source_delete(&s_);
			s_ = std::exchange(o.s_, nullptr);
		}
		return *this;
	}
	~source() { pmem2_source_delete(&s_); }

	explicit operator bool() const noexcept { return s_ != nullptr; }
	struct pmem2_source *native() const noexcept { return s_; }
	struct pmem2_source *release() noexcept { return std::exchange(s_, nullptr); }

	/* The size of the source in bytes. */
	std::size_t size() const
	{
		std::size_t n = 0;
		detail::check(pmem2_source_size(s_, &n), "pmem2_source_size");
		return n;
	}
	/* The alignment a mapping of this source needs. */
	std::size_t alignment() const
	{
		std::size_t a = 0;
		detail::check(pmem2_source_alignment(s_, &a), "pmem2_source_alignment");
		return a;
	}
	/* The file descriptor of a file source. */
	int fd() const
	{
		int fd = -1;
		detail::check(pmem2_source_get_fd(s_, &fd), "pmem2_source_get_fd");
		return fd;
	}

      private:
	struct pmem2_source *s_ = nullptr;
};

/* Owns a struct pmem2_config. Setters throw on invalid values and return *this. */
class config
{
      public:
	config() { detail::check(pmem2_config_new(&c_), "pmem2_config_new"); }
	explicit config(std::error_code &ec) noexcept { detail::check(pmem2_config_new(&c_), ec); }
	explicit config(struct pmem2_config *c) noexcept : c_(c) {}

	config(const config &) = delete;
	config &operator=(const config &) = delete;
	config(config &&o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
	config &operator=(config &&o) noexcept
	{
		if (this != &o) {
			pmem2_config_delete(&c_);
			c_ = std::exchange(o.c_, nullptr);
		}
		return *this;
	}
	~config() { pmem2_config_delete(&c_); }

	explicit operator bool() const noexcept { return c_ != nullptr; }
	struct pmem2_config *native() const noexcept { return c_; }
	struct pmem2_config *release() noexcept { return std::exchange(c_, nullptr); }

	config &set_required_store_granularity(granularity g)
	{
		detail::check(pmem2_config_set_required_store_granularity(
		                  c_, static_cast<enum pmem2_granularity>(g)),
		              "pmem2_config_set_required_store_granularity");
		return *this;
	}
	config &set_offset(std::size_t offset)
	{
		detail::check(pmem2_config_set_offset(c_, offset), "pmem2_config_set_offset");
		return *this;
	}
	config &set_length(std::size_t length)
	{
		detail::check(pmem2_config_set_length(c_, length), "pmem2_config_set_length");
		return *this;
	}
	config &set_sharing(sharing s)
	{
		detail::check(pmem2_config_set_sharing(c_, static_cast<enum pmem2_sharing_type>(s)),
		              "pmem2_config_set_sharing");
		return *this;
	}
	/* PMEM2_PROT_* bits. */
	config &set_protection(unsigned prot)
	{
		detail::check(pmem2_config_set_protection(c_, prot), "pmem2_config_set_protection");
		return *this;
	}
#ifdef PMEM2_USE_MINIASYNC
	/* The mover of the maps made with this config (borrowed; nullptr: a default one). */
	config &set_vdm(struct vdm *v)
	{
		detail::check(pmem2_config_set_vdm(c_, v), "pmem2_config_set_vdm");
		return *this;
	}
	/* The same for any masync mover (sync_mover, threads_mover, mover_ref). */
	template <class Mover>
	requires requires(const Mover &m)
	{
		{
			m.get_vdm()
			} -> std::same_as<struct vdm *>;
	}
	config &set_vdm(const Mover &m)
	{
		return set_vdm(m.get_vdm());
	}
#endif

      private:
	struct pmem2_config *c_ = nullptr;
};

#ifdef PMEM2_USE_MINIASYNC
/*
 * Result policy of struct pmem2_future: the destination; on failure the
 * mover's result, or PMEM2_E_UNKNOWN, with pmem2_errormsg() in the message.
 */
struct async_result {
	using type = void *;
	static std::error_code error(const struct pmem2_future &f) noexcept
	{
		if (f.output.dest != nullptr)
			return {};
		enum vdm_operation_result r = f.data.op.fut.output.result;
		if (r != VDM_SUCCESS)
			return {static_cast<int>(r), vdm_category()};
		return make_pmem2_error_code(PMEM2_E_UNKNOWN);
	}
	static void rethrow(const struct pmem2_future &f)
	{
		if (std::error_code ec = error(f)) {
			const char *msg = pmem2_errormsg();
			std::string what("pmem2 async operation");
			if (msg != nullptr && *msg != '\0')
				what += std::string(": ") + msg;
			throw_error(ec, what.c_str());
		}
	}
	static void *value(struct pmem2_future &f) noexcept { return f.output.dest; }
};

/* A durable asynchronous operation on a map. */
using async_future = masync::future<struct pmem2_future, async_result>;
#endif

/* Owns a struct pmem2_map. */
class map
{
      public:
	map() noexcept = default;
	/* Maps `src` as `cfg` says (pmem2_map_new); throws masync::error on failure. */
	map(const config &cfg, const source &src)
	{
		detail::check(pmem2_map_new(&m_, cfg.native(), src.native()), "pmem2_map_new");
		load();
	}
	/* As above, reporting failure through ec (the map is then empty). */
	map(const config &cfg, const source &src, std::error_code &ec) noexcept
	{
		detail::check(pmem2_map_new(&m_, cfg.native(), src.native()), ec);
		if (m_)
			load();
	}
	/* Takes ownership of an existing map. */
	explicit map(struct pmem2_map *m) noexcept : m_(m)
	{
		if (m_)
			load();
	}

	map(const map &) = delete;
	map &operator=(const map &) = delete;
	map(map &&o) noexcept { take(o); }
	map &operator=(map &&o) noexcept
	{
		if (this != &o) {
			std::error_code ignored;
			reset(ignored);
			take(o);
		}
		return *this;
	}
	~map()
	{
		std::error_code ignored;
		reset(ignored);
	}

	/* Unmaps now (pmem2_map_delete), reporting a failure through ec. */
	void reset(std::error_code &ec) noexcept
	{
		ec.clear();
		if (m_ != nullptr)
			detail::check(pmem2_map_delete(&m_), ec);
		m_ = nullptr;
	}

	explicit operator bool() const noexcept { return m_ != nullptr; }
	struct pmem2_map *native() const noexcept { return m_; }
	struct pmem2_map *release() noexcept { return std::exchange(m_, nullptr); }

	void *address() const noexcept { return addr_; }
	std::size_t size() const noexcept { return size_; }
	/* The whole mapping as bytes. */
	std::span<std::byte> bytes() const noexcept
	{
		return {static_cast<std::byte *>(addr_), size_};
	}
	granularity store_granularity() const noexcept
	{
		return static_cast<granularity>(pmem2_map_get_store_granularity(m_));
	}

	/* The map's memory functions (PMEM2_F_MEM_* flags). */
	void *memcpy(void *dst, const void *src, std::size_t n, unsigned flags = 0) const noexcept
	{
		return memcpy_(dst, src, n, flags);
	}
	void *memmove(void *dst, const void *src, std::size_t n, unsigned flags = 0) const noexcept
	{
		return memmove_(dst, src, n, flags);
	}
	void *memset(void *dst, int c, std::size_t n, unsigned flags = 0) const noexcept
	{
		return memset_(dst, c, n, flags);
	}
	/* Makes [p, p + n) durable (flush + drain as the granularity needs). */
	void persist(const void *p, std::size_t n) const noexcept { persist_(p, n); }
	void flush(const void *p, std::size_t n) const noexcept { flush_(p, n); }
	void drain() const noexcept { drain_(); }
	/* pmem2_deep_flush: throws masync::error on failure. */
	void deep_flush(void *p, std::size_t n) const
	{
		detail::check(pmem2_deep_flush(m_, p, n), "pmem2_deep_flush");
	}
	void deep_flush(void *p, std::size_t n, std::error_code &ec) const noexcept
	{
		detail::check(pmem2_deep_flush(m_, p, n), ec);
	}

#ifdef PMEM2_USE_MINIASYNC
	/* A future that copies n bytes from src to dst (inside the map), durably. */
	async_future memcpy_async(void *dst, const void *src, std::size_t n,
	                          unsigned flags = 0) const noexcept
	{
		return async_future(std::in_place,
		                    [&] { return pmem2_memcpy_async(m_, dst, src, n, flags); });
	}
	/* As memcpy_async; the ranges may overlap. */
	async_future memmove_async(void *dst, const void *src, std::size_t n,
	                           unsigned flags = 0) const noexcept
	{
		return async_future(std::in_place,
		                    [&] { return pmem2_memmove_async(m_, dst, src, n, flags); });
	}
	/* A future that sets n bytes at dst (inside the map) to (unsigned char)c, durably. */
	async_future memset_async(void *dst, int c, std::size_t n,
	                          unsigned flags = 0) const noexcept
	{
		return async_future(std::in_place,
		                    [&] { return pmem2_memset_async(m_, dst, c, n, flags); });
	}
	/* Span forms: src is copied to the beginning of dst (EINVAL if it does not fit). */
	template <class T, std::size_t E>
	requires std::is_trivially_copyable_v<T> &&(!std::is_const_v<T>)async_future
	    memcpy_async(std::span<T, E> dst, std::type_identity_t<std::span<const T>> src,
	                 unsigned flags = 0) const
	{
		fits(dst.size(), src.size());
		return memcpy_async(dst.data(), src.data(), src.size_bytes(), flags);
	}
	template <class T, std::size_t E>
	requires std::is_trivially_copyable_v<T> &&(!std::is_const_v<T>)async_future
	    memmove_async(std::span<T, E> dst, std::type_identity_t<std::span<const T>> src,
	                  unsigned flags = 0) const
	{
		fits(dst.size(), src.size());
		return memmove_async(dst.data(), src.data(), src.size_bytes(), flags);
	}
	template <class T, std::size_t E>
	requires std::is_trivially_copyable_v<T> &&(!std::is_const_v<T>)async_future
	    memset_async(std::span<T, E> dst, int c, unsigned flags = 0) const noexcept
	{
		return memset_async(dst.data(), c, dst.size_bytes(), flags);
	}
#endif

      private:
	static void fits(std::size_t dst, std::size_t src)
	{
		if (dst < src)
			throw_error(make_errno_error_code(EINVAL),
			            "masync pmem2: destination too small");
	}

	void load() noexcept
	{
		addr_ = pmem2_map_get_address(m_);
		size_ = pmem2_map_get_size(m_);
		memcpy_ = pmem2_get_memcpy_fn(m_);
		memmove_ = pmem2_get_memmove_fn(m_);
		memset_ = pmem2_get_memset_fn(m_);
		persist_ = pmem2_get_persist_fn(m_);
		flush_ = pmem2_get_flush_fn(m_);
		drain_ = pmem2_get_drain_fn(m_);
	}

	void take(map &o) noexcept
	{
		m_ = std::exchange(o.m_, nullptr);
		addr_ = o.addr_;
		size_ = o.size_;
		memcpy_ = o.memcpy_;
		memmove_ = o.memmove_;
		memset_ = o.memset_;
		persist_ = o.persist_;
		flush_ = o.flush_;
		drain_ = o.drain_;
	}

	struct pmem2_map *m_ = nullptr;
	void *addr_ = nullptr;
	std::size_t size_ = 0;
	pmem2_memcpy_fn memcpy_ = nullptr;
	pmem2_memmove_fn memmove_ = nullptr;
	pmem2_memset_fn memset_ = nullptr;
	pmem2_persist_fn persist_ = nullptr;
	pmem2_flush_fn flush_ = nullptr;
	pmem2_drain_fn drain_ = nullptr;
};

} // namespace masync::pmem2

#endif /* MASYNC_PMEM2_HPP */
