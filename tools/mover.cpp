/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "mover.hpp"
#include "tool.hpp"

#include <unistd.h>

#include <cerrno>

namespace masync::tool
{

unsigned cpu_count()
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? unsigned(n) : 1u;
}

const std::vector<std::string> &mover::names()
{
	static const std::vector<std::string> n = {"default", "sync", "threads", "dml", "auto"};
	return n;
}

mover::mover(const std::string &name, unsigned threads) : name_(name)
{
	try {
		if (name == "default") {
			return;
		} else if (name == "sync") {
			m_.emplace<masync::sync_mover>();
		} else if (name == "threads") {
			threads_ = threads ? threads : cpu_count();
			masync::threads_mover_options o;
			o.threads = threads_;
			m_.emplace<masync::threads_mover>(o);
		} else if (name == "dml" || name == "auto") {
			std::error_code ec;
			auto type = name == "dml" ? masync::dsa_mover::type::hardware
			                          : masync::dsa_mover::type::automatic;
			m_.emplace<masync::dsa_mover>(type, ec);
			if (ec == std::errc::no_such_device)
				throw failure(
				    "no usable Intel DSA work queue for --mover dml ('masync "
				    "info' says what blocks them; --mover auto runs without "
				    "one)");
			if (ec)
				throw masync::error(ec, "data_mover_dml_new");
		} else {
			throw failure("unknown mover '" + name +
			              "' (expected default, sync, threads, dml or auto)");
		}
	} catch (const masync::error &e) {
		throw failure("cannot create the " + name + " mover: " + e.code().message());
	}
}

struct vdm *mover::vdm() const
{
	return std::visit(
	    [](const auto &m) -> struct vdm * {
		    if constexpr (std::is_same_v<std::decay_t<decltype(m)>, std::monostate>)
			    return nullptr;
		    else
			    return m.get_vdm();
	    },
	    m_);
}

std::string mover::description() const
{
	if (name_ == "default")
		return "libpmem2's default mover (the map's own)";
	if (name_ == "sync")
		return "synchronous mover";
	if (const auto *d = std::get_if<masync::dsa_mover>(&m_)) {
		const char *wq = d->wq_name();
		std::string where = wq ? std::string("work queue ") + wq
		                       : std::string("no work queue: CPU and worker threads");
		return (name_ == "dml" ? "DSA mover (hardware, " : "DSA mover (auto, ") + where +
		       ")";
	}
	return "threads mover, " + std::to_string(threads_) +
	       (threads_ == 1 ? " worker" : " workers");
}

} // namespace masync::tool
