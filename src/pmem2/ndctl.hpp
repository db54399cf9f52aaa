/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/ndctl.hpp -- a libndctl context as an RAII handle.
 *
 * ndctl_context opens a context (ndctl_new) with libndctl's own logging
 * silenced (libpmem2 reports through pmem2_errormsg instead) and releases
 * it when destroyed. One context per query: contexts are cheap, enumerate
 * sysfs lazily, and are not shared between threads.
 */
#ifndef MASYNC_PMEM2_NDCTL_HPP
#define MASYNC_PMEM2_NDCTL_HPP

#include <ndctl/libndctl.h>

namespace masync::pmem2
{

class ndctl_context
{
      public:
	/* Opens a context; error() is then 0 or the negative errno of ndctl_new. */
	ndctl_context() noexcept;
	~ndctl_context();
	ndctl_context(const ndctl_context &) = delete;
	ndctl_context &operator=(const ndctl_context &) = delete;

	int error() const noexcept { return error_; }
	struct ndctl_ctx *get() const noexcept { return ctx_; }

      private:
	struct ndctl_ctx *ctx_ = nullptr;
	int error_ = 0;
};

} // namespace masync::pmem2

#endif
