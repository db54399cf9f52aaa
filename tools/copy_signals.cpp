/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "copy_signals.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace masync::tool
{
namespace
{

/* The handlers' state: the temporary file and the messages, made beforehand. */
char sig_tmp[4096];
char sig_msg[3][1024];
std::size_t sig_msg_len[3];
char bus_msg[1024];
std::size_t bus_msg_len;
volatile sig_atomic_t sig_phase = 0; /* 0 idle, 1 copying, 2 committing */
volatile sig_atomic_t sig_pending = 0;
constexpr int stop_signals[3] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_stop_signal(int sig)
{
	if (sig_phase == 2) {
		sig_pending = sig;
		return;
	}
	int i = sig == SIGINT ? 0 : sig == SIGTERM ? 1 : 2;
	if (sig_phase == 1) {
		unlink(sig_tmp);
		ssize_t r = write(STDERR_FILENO, sig_msg[i], sig_msg_len[i]);
		(void)r;
	}
	_exit(128 + sig);
}

extern "C" void on_sigbus(int)
{
	if (sig_phase == 1)
		unlink(sig_tmp);
	ssize_t r = write(STDERR_FILENO, bus_msg, bus_msg_len);
	(void)r;
	_exit(1);
}

void set_message(char *buf, std::size_t cap, std::size_t &len, const std::string &m)
{
	len = std::min(m.size(), cap - 1);
	std::memcpy(buf, m.data(), len);
	buf[len] = '\0';
}

} // namespace

signal_guard::signal_guard(const std::string &tmp, const std::string &dst, bool existed,
                           const std::string &label)
{
	std::size_t n = std::min(tmp.size(), sizeof(sig_tmp) - 1);
	std::memcpy(sig_tmp, tmp.data(), n);
	sig_tmp[n] = '\0';
	const std::string left =
	    existed ? "'" + dst + "' keeps its old content" : "'" + dst + "' was not created";
	static const char *const names[3] = {"SIGINT", "SIGTERM", "SIGHUP"};
	for (int i = 0; i < 3; ++i)
		set_message(sig_msg[i], sizeof(sig_msg[i]), sig_msg_len[i],
		            "masync " + label + ": interrupted by " + names[i] +
		                "; the partial copy was removed and " + left + "\n");
	set_message(bus_msg, sizeof(bus_msg), bus_msg_len,
	            "masync " + label +
	                ": bus error while copying (the source was truncated, or the "
	                "destination's device has no space or failed); the copy did not "
	                "complete, " +
	                left + "\n");
	sig_pending = 0;
	sig_phase = 1;
	struct sigaction sa {
	};
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (int sig : stop_signals)
		sigaddset(&sa.sa_mask, sig);
	sa.sa_flags = SA_RESTART;
	for (int i = 0; i < 3; ++i)
		sigaction(stop_signals[i], &sa, &old_[i]);
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, &old_bus_);
}

signal_guard::~signal_guard()
{
	sig_phase = 0;
	for (int i = 0; i < 3; ++i)
		sigaction(stop_signals[i], &old_[i], nullptr);
	sigaction(SIGBUS, &old_bus_, nullptr);
}

void signal_guard::committing()
{
	sig_phase = 2;
}

void signal_guard::committed(const std::string &dst, const std::string &label)
{
	sig_phase = 0;
	int sig = sig_pending;
	if (sig != 0) {
		std::string m = "masync " + label + ": interrupted by signal " +
		                std::to_string(sig) + " after the copy was complete: '" + dst +
		                "' holds the new content, durably\n";
		ssize_t r = write(STDERR_FILENO, m.data(), m.size());
		(void)r;
		_exit(128 + sig);
	}
}

} // namespace masync::tool
