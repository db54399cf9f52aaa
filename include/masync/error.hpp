/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/error.hpp -- errors of the C++ API: exceptions and std::error_code.
 *
 * What it is
 *   masync::error is the exception every failing masync call throws. It is a
 *   std::system_error: code() is a std::error_code whose value is the C
 *   library's own error code (a vdm_operation_result, a libpmem2 error code,
 *   or an errno value) and whose category says which of these it is;
 *   what() carries the C library's message when it gave one (e.g.
 *   pmem2_errormsg()), otherwise the category's description.
 *
 *   Categories:
 *     vdm_category()    values of enum vdm_operation_result (masync::vdm_errc)
 *     pmem2_category()  libpmem2's negative codes (PMEM2_E_*, or -errno)
 *     std::generic_category() for errno values (allocation, thread creation).
 *     masync_category() misuse detected by the C++ layer (masync::errc).
 *
 *   Calls that must not throw (destructors, noexcept paths) take a
 *   `std::error_code &` instead and report through it.
 *
 * Lifetime, thread safety, memory ordering
 *   The categories are immutable function-local statics, safe to use from any
 *   thread. Nothing here allocates except the exception itself when thrown
 *   (its message string). No memory ordering is involved.
 */
#ifndef MASYNC_ERROR_HPP
#define MASYNC_ERROR_HPP

#include <string>
#include <system_error>
#include <type_traits>

namespace masync
{

/* enum vdm_operation_result as an error code (0 is success and not listed). */
enum class vdm_errc : int {
	out_of_memory = 1, /* VDM_ERROR_OUT_OF_MEMORY: the mover had no record */
	job_corrupted = 2, /* VDM_ERROR_JOB_CORRUPTED: the mover could not run it */
};

/* Misuse detected by the C++ layer itself. */
enum class errc : int {
	not_ready = 1,  /* result() of a future that has not completed */
	no_future = 2,  /* use of a moved-from (empty) future, task or handle */
	no_result = 3,  /* an operation completed without producing its result */
	stuck_loop = 4, /* an event loop whose tasks wait on nothing it can see */
};

namespace detail
{

class vdm_category_impl final : public std::error_category
{
      public:
	const char *name() const noexcept override { return "miniasync.vdm"; }
	std::string message(int c) const override
	{
		switch (c) {
		case 0:
			return "success";
		case 1:
			return "the data mover has no free operation record";
		case 2:
			return "the data mover could not carry out the operation";
		default:
			return "unknown data mover result " + std::to_string(c);
		}
	}
	std::error_condition default_error_condition(int c) const noexcept override
	{
		if (c == 1)
			return std::errc::not_enough_memory;
		return std::error_condition(c, *this);
	}
};

class pmem2_category_impl final : public std::error_category
{
      public:
	const char *name() const noexcept override { return "pmem2"; }
	std::string message(int c) const override
	{
		if (c == 0)
			return "success";
		if (c < 0 && c > -100000)
			return std::generic_category().message(-c);
		static const char *const msgs[] = {
		    "unknown error",                            /* -100000 */
		    "operation not supported",                  /* -100001 */
		    "unused error code",                        /* -100002 */
		    "file handle not set",                      /* -100003 */
		    "invalid file handle",                      /* -100004 */
		    "invalid file type",                        /* -100005 */
		    "range is not inside the mapping",          /* -100006 */
		    "a mapping already exists at that address", /* -100007 */
		    "required store granularity not set",       /* -100008 */
		    "store granularity not supported",          /* -100009 */
		    "offset out of range",                      /* -100010 */
		    "offset not aligned",                       /* -100011 */
		    "invalid alignment format",                 /* -100012 */
		    "invalid alignment value",                  /* -100013 */
		    "invalid size format",                      /* -100014 */
		    "length not aligned",                       /* -100015 */
		    "mapping not found",                        /* -100016 */
		    "buffer too small",                         /* -100017 */
		    "source is empty",                          /* -100018 */
		    "invalid sharing value",                    /* -100019 */
		    "device DAX cannot be mapped privately",    /* -100020 */
		    "invalid address request type",             /* -100021 */
		    "address not aligned",                      /* -100022 */
		    "address is null",                          /* -100023 */
		    "deep flush range outside the mapping",     /* -100024 */
		    "invalid region format",                    /* -100025 */
		    "DAX region not found",                     /* -100026 */
		    "invalid device format",                    /* -100027 */
		    "cannot read the bounds",                   /* -100028 */
		    "no bad block found",                       /* -100029 */
		    "length out of range",                      /* -100030 */
		    "invalid protection flag",                  /* -100031 */
		    "no access",                                /* -100032 */
		    "virtual memory reservation not empty",     /* -100033 */
		    "a mapping already exists in the range",    /* -100034 */
		    "file descriptor not set",                  /* -100035 */
		    "source type not supported",                /* -100036 */
		    "input/output failure",                     /* -100037 */
		};
		long idx = -100000L - c;
		if (idx >= 0 && idx < static_cast<long>(sizeof(msgs) / sizeof(msgs[0])))
			return msgs[idx];
		return "unknown libpmem2 error " + std::to_string(c);
	}
	std::error_condition default_error_condition(int c) const noexcept override
	{
		if (c < 0 && c > -100000)
			return std::error_condition(-c, std::generic_category());
		return std::error_condition(c, *this);
	}
};

class masync_category_impl final : public std::error_category
{
      public:
	const char *name() const noexcept override { return "masync"; }
	std::string message(int c) const override
	{
		switch (c) {
		case 1:
			return "the future has not completed";
		case 2:
			return "the object is empty (moved from)";
		case 3:
			return "the operation completed without a result";
		case 4:
			return "the event loop's tasks wait on nothing it can see";
		default:
			return "unknown masync error " + std::to_string(c);
		}
	}
};

} // namespace detail

/* The category of vdm_operation_result values. */
inline const std::error_category &vdm_category() noexcept
{
	static const detail::vdm_category_impl cat;
	return cat;
}

/* The category of libpmem2's (negative) error codes. */
inline const std::error_category &pmem2_category() noexcept
{
	static const detail::pmem2_category_impl cat;
	return cat;
}

/* The category of masync::errc. */
inline const std::error_category &masync_category() noexcept
{
	static const detail::masync_category_impl cat;
	return cat;
}

inline std::error_code make_error_code(vdm_errc e) noexcept
{
	return {static_cast<int>(e), vdm_category()};
}

inline std::error_code make_error_code(errc e) noexcept
{
	return {static_cast<int>(e), masync_category()};
}

/* A libpmem2 return value (0 or negative) as an error code. */
inline std::error_code make_pmem2_error_code(int ret) noexcept
{
	return {ret, pmem2_category()};
}

/* An errno value as an error code. */
inline std::error_code make_errno_error_code(int err) noexcept
{
	return {err, std::generic_category()};
}

/*
 * The exception of the C++ API. code().value() is the C code; c_code() says
 * the same. what() starts with the context given at the throw site, then the
 * C library's message.
 */
class error : public std::system_error
{
      public:
	error(std::error_code ec, const char *context) : std::system_error(ec, context) {}
	error(std::error_code ec, const std::string &context) : std::system_error(ec, context) {}
	explicit error(std::error_code ec) : std::system_error(ec) {}

	/* The error code of the C library (vdm_operation_result, PMEM2_E_*, errno). */
	int c_code() const noexcept { return code().value(); }
};

/* Throws masync::error(ec, context); never returns. */
[[noreturn]] inline void throw_error(std::error_code ec, const char *context)
{
	throw error(ec, context);
}

} // namespace masync

template <> struct std::is_error_code_enum<masync::vdm_errc> : std::true_type {
};
template <> struct std::is_error_code_enum<masync::errc> : std::true_type {
};

#endif /* MASYNC_ERROR_HPP */
