/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/errormsg.cpp -- pmem2_errormsg(), pmem2_perror() and the helpers
 * that fill the per-thread message (see errormsg.hpp).
 */
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"

#include <libpmem2.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace masync::pmem2
{

namespace
{

/*
 * No variable of libpmem2 uses initial-exec TLS: one such variable makes
 * the linker mark the whole library STATIC_TLS, and a dlopen of it must
 * then find its whole TLS block (this 1 KiB buffer included) in the few
 * hundred bytes of static TLS glibc keeps spare; a second copy of the
 * library, or a program with other such libraries loaded, failed with
 * "cannot allocate memory in static TLS block". tests/pmem2/dlopen.cpp.
 */
thread_local char message[errormsg_capacity];
/*
 * Whether message holds anything: err_clear, on every call of the API,
 * touches only this flag unless there is a message to clear.
 */
thread_local bool message_set = false;

[[gnu::format(printf, 1, 0)]] void vformat(const char *fmt, va_list ap) noexcept
{
	message_set = true;
	int n = std::vsnprintf(message, sizeof(message), fmt, ap);
	if (n < 0)
		std::snprintf(message, sizeof(message), "libpmem2: (unprintable error message)");
}

void append_errno(int errnum) noexcept
{
	std::size_t used = std::strlen(message);
	if (used + 1 >= sizeof(message))
		return;
	char buf[128];
	/* GNU strerror_r returns the string (which may not be buf). */
	const char *text = strerror_r(errnum, buf, sizeof(buf));
	std::snprintf(message + used, sizeof(message) - used, ": %s", text);
}

} // namespace

void err_clear() noexcept
{
	if (message_set) {
		message[0] = '\0';
		message_set = false;
	}
}

int fail(int code, const char *fmt, ...) noexcept
{
	va_list ap;
	va_start(ap, fmt);
	vformat(fmt, ap);
	va_end(ap);
	return code;
}

int fail_errno(int errnum, const char *fmt, ...) noexcept
{
	va_list ap;
	va_start(ap, fmt);
	vformat(fmt, ap);
	va_end(ap);
	append_errno(errnum);
	return -errnum;
}

void set_errno_message(int errnum, const char *fmt, ...) noexcept
{
	va_list ap;
	va_start(ap, fmt);
	vformat(fmt, ap);
	va_end(ap);
	append_errno(errnum);
}

const char *err_message() noexcept
{
	return message_set ? message : "";
}

} // namespace masync::pmem2

PMEM2_EXPORT const char *pmem2_errormsg(void)
{
	return masync::pmem2::err_message();
}

PMEM2_EXPORT void pmem2_perror(const char *format, ...)
{
	/* Take a copy first: formatting must not see a message it changes. */
	char saved[masync::pmem2::errormsg_capacity];
	std::snprintf(saved, sizeof(saved), "%s", masync::pmem2::err_message());

	char text[masync::pmem2::errormsg_capacity];
	text[0] = '\0';
	if (format) {
		va_list ap;
		va_start(ap, format);
		int n = std::vsnprintf(text, sizeof(text), format, ap);
		va_end(ap);
		if (n < 0)
			text[0] = '\0';
	}
	std::fprintf(stderr, "%s: %s\n", text, saved);
}
