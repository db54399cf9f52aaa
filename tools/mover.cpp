/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "mover.hpp"
#include "tool.hpp"

#if MASYNC_TOOL_HAVE_MINIASYNC
#include <libminiasync.h>
#endif

#include <unistd.h>

#include <cerrno>

namespace masync::tool
{

unsigned cpu_count()
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? unsigned(n) : 1u;
}

const char *default_mover_name()
{
	return have_miniasync ? "threads" : "default";
}

const std::vector<std::string> &mover::names()
{
	static const std::vector<std::string> n = {"default", "sync", "threads"};
	return n;
}

mover::mover(const std::string &name, unsigned threads) : name_(name)
{
	if (name == "default")
		return;
#if MASYNC_TOOL_HAVE_MINIASYNC
	if (name == "sync") {
		auto *m = data_mover_sync_new();
		if (m == nullptr)
			fail_errno("cannot create the synchronous mover", errno);
		owned_ = m;
		vdm_ = data_mover_sync_get_vdm(m);
		return;
	}
	if (name == "threads") {
		threads_ = threads ? threads : cpu_count();
		auto *m = data_mover_threads_new(threads_, 1024, FUTURE_NOTIFIER_WAKER);
		if (m == nullptr)
			fail_errno("cannot create the threads mover", errno);
		owned_ = m;
		vdm_ = data_mover_threads_get_vdm(m);
		return;
	}
	throw failure("unknown mover '" + name + "' (expected default, sync or threads)");
#else
	(void)threads;
	throw failure("mover '" + name +
	              "' is not available: this masync was built without "
	              "libminiasync");
#endif
}

mover::~mover()
{
#if MASYNC_TOOL_HAVE_MINIASYNC
	if (name_ == "sync")
		data_mover_sync_delete(static_cast<data_mover_sync *>(owned_));
	else if (name_ == "threads")
		data_mover_threads_delete(static_cast<data_mover_threads *>(owned_));
#endif
}

std::string mover::description() const
{
	if (name_ == "default")
		return "libpmem2's default mover (the map's own)";
	if (name_ == "sync")
		return "synchronous mover";
	return "threads mover, " + std::to_string(threads_) +
	       (threads_ == 1 ? " worker" : " workers");
}

} // namespace masync::tool
