/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/ndctl.cpp -- the libndctl context handle (ndctl.hpp).
 */
#include "pmem2/ndctl.hpp"

#include <cerrno>
#include <cstdarg>

namespace masync::pmem2
{

namespace
{

void silent_log(struct ndctl_ctx *, int, const char *, int, const char *, const char *, va_list) {}

} // namespace

ndctl_context::ndctl_context() noexcept
{
	int ret = ndctl_new(&ctx_);
	if (ret != 0 || ctx_ == nullptr) {
		ctx_ = nullptr;
		error_ = ret < 0 ? ret : -ENOMEM;
		return;
	}
	ndctl_set_log_fn(ctx_, silent_log);
}

ndctl_context::~ndctl_context()
{
	if (ctx_)
		ndctl_unref(ctx_);
}

} // namespace masync::pmem2
