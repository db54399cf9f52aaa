/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/dsa_mover.hpp -- masync::dsa_mover, an owning C++ handle on the DSA
 * data mover of libminiasync-vdm-dml (link masync::miniasync-vdm-dml).
 *
 * What it is
 *   RAII over data_mover_dml_new/delete with the vdm operations of
 *   masync/mover.hpp (memcpy, memmove, memset, flush as typed futures) and
 *   the native settings of libminiasync/data_mover_dsa.h.
 * Lifetime
 *   Move-only; the mover must outlive its futures.
 * Thread safety
 *   As the C mover: operations from any number of threads; constructing,
 *   moving and destroying a handle are not synchronized.
 * Errors
 *   The throwing constructor throws masync::error with the errno set by
 *   data_mover_dml_new / data_mover_dsa_new (ENODEV: HARDWARE with no
 *   usable work queue, EINVAL: bad options); the std::error_code
 *   constructors report it instead.
 */
#ifndef MASYNC_DSA_MOVER_HPP
#define MASYNC_DSA_MOVER_HPP

#include <libminiasync-vdm-dml.h>
#include <libminiasync/data_mover_dsa.h>
#include <masync/mover.hpp>

#include <cerrno>
#include <utility>

namespace masync
{

class dsa_mover : public vdm_operations<dsa_mover>
{
      public:
	enum class type : int {
		software = DATA_MOVER_DML_SOFTWARE,
		hardware = DATA_MOVER_DML_HARDWARE,
		automatic = DATA_MOVER_DML_AUTO,
	};

	explicit dsa_mover(type t = type::automatic) : m_(create(t))
	{
		if (m_ == nullptr)
			throw_error(make_errno_error_code(errno), "data_mover_dml_new");
	}
	dsa_mover(type t, std::error_code &ec) noexcept : m_(create(t))
	{
		ec = m_ ? std::error_code{} : make_errno_error_code(errno);
	}
	/* With options (data_mover_dsa_new; start from default_options()). */
	dsa_mover(type t, const data_mover_dsa_options &o)
	    : m_(data_mover_dsa_new(static_cast<enum data_mover_dml_type>(t), &o))
	{
		if (m_ == nullptr)
			throw_error(make_errno_error_code(errno), "data_mover_dsa_new");
	}
	dsa_mover(type t, const data_mover_dsa_options &o, std::error_code &ec) noexcept
	    : m_(data_mover_dsa_new(static_cast<enum data_mover_dml_type>(t), &o))
	{
		ec = m_ ? std::error_code{} : make_errno_error_code(errno);
	}
	/* The defaults, environment included (data_mover_dsa_options_init). */
	static data_mover_dsa_options default_options() noexcept
	{
		data_mover_dsa_options o;
		data_mover_dsa_options_init(&o);
		return o;
	}
	dsa_mover(const dsa_mover &) = delete;
	dsa_mover &operator=(const dsa_mover &) = delete;
	dsa_mover(dsa_mover &&o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
	dsa_mover &operator=(dsa_mover &&o) noexcept
	{
		if (this != &o)
			data_mover_dml_delete(std::exchange(m_, std::exchange(o.m_, nullptr)));
		return *this;
	}
	~dsa_mover() { data_mover_dml_delete(m_); }

	explicit operator bool() const noexcept { return m_ != nullptr; }
	struct vdm *get_vdm() const noexcept { return data_mover_dml_get_vdm(m_); }
	mover_ref ref() const noexcept { return mover_ref(get_vdm()); }
	struct data_mover_dml *native() const noexcept { return m_; }

	/* AUTO threshold in bytes (see libminiasync/data_mover_dsa.h). */
	void set_threshold(std::size_t bytes) noexcept { data_mover_dsa_set_threshold(m_, bytes); }
	std::size_t threshold() const noexcept { return data_mover_dsa_get_threshold(m_); }
	data_mover_dsa_counters counters() const noexcept
	{
		data_mover_dsa_counters c{};
		data_mover_dsa_get_counters(m_, &c);
		return c;
	}
	/* Batch size (0 or 1: none; clamped to the queue's maximum). */
	void set_batch_size(unsigned ops) noexcept { data_mover_dsa_set_batch_size(m_, ops); }
	unsigned batch_size() const noexcept { return data_mover_dsa_get_batch_size(m_); }
	/* Wait mode; false when UMWAIT was asked for on a CPU without WAITPKG. */
	bool set_wait_mode(enum data_mover_dsa_wait_mode w) noexcept
	{
		return data_mover_dsa_set_wait_mode(m_, w) == 0;
	}
	enum data_mover_dsa_wait_mode wait_mode() const noexcept
	{
		return data_mover_dsa_get_wait_mode(m_);
	}
	/* The work queue in use, or nullptr. */
	const char *wq_name() const noexcept { return data_mover_dsa_wq_name(m_); }

      private:
	static struct data_mover_dml *create(type t) noexcept
	{
		return data_mover_dml_new(static_cast<enum data_mover_dml_type>(t));
	}
	struct data_mover_dml *m_;
};

} // namespace masync

#endif
