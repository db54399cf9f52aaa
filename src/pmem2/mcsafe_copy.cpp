/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/mcsafe_copy.cpp -- SIGBUS-guarded copies (mcsafe_copy.hpp).
 */
#include "pmem2/mcsafe_copy.hpp"

#include "pmem2/errormsg.hpp"

#include <libpmem2.h>

#include <csetjmp>
#include <csignal>
#include <cstring>
#include <mutex>

namespace masync::pmem2
{

namespace
{

/* Where the current thread's copy resumes after a SIGBUS (NULL: not copying). */
thread_local sigjmp_buf *volatile resume_point = nullptr;
/* The faulting address of the last caught SIGBUS of this thread. */
thread_local void *volatile fault_address = nullptr;

std::mutex install_lock;
unsigned installed = 0;           /* copies in progress, all threads */
struct sigaction previous_action; /* restored when `installed` drops to 0 */

void on_sigbus(int sig, siginfo_t *info, void *uctx)
{
	if (sigjmp_buf *jb = resume_point) {
		resume_point = nullptr;
		fault_address = info ? info->si_addr : nullptr;
		siglongjmp(*jb, 1);
	}
	/* not ours: behave as if we were not there */
	const struct sigaction &prev = previous_action;
	if (prev.sa_flags & SA_SIGINFO) {
		if (prev.sa_sigaction) {
			prev.sa_sigaction(sig, info, uctx);
			return;
		}
	} else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
		prev.sa_handler(sig);
		return;
	}
	/* default (or ignored, which cannot work for a fault): let it kill us */
	signal(SIGBUS, SIG_DFL);
	/* returning re-executes the faulting access, now with the default action */
}

void install()
{
	std::lock_guard guard(install_lock);
	if (installed++ == 0) {
		struct sigaction sa {
		};
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, &previous_action);
	}
}

void uninstall()
{
	std::lock_guard guard(install_lock);
	if (--installed == 0)
		sigaction(SIGBUS, &previous_action, nullptr);
}

/* Kept out of line so that nothing the copy touches lives in registers across siglongjmp. */
[[gnu::noinline]] int guarded_copy(void *dst, const void *src, std::size_t n) noexcept
{
	sigjmp_buf jb;
	if (sigsetjmp(jb, 1) != 0)
		return 1; /* resume_point was reset by the handler */
	resume_point = &jb;
	std::memcpy(dst, src, n);
	resume_point = nullptr;
	return 0;
}

} // namespace

int mcsafe_copy(void *dst, const void *src, std::size_t n) noexcept
{
	if (n == 0)
		return 0;
	install();
	int faulted = guarded_copy(dst, src, n);
	uninstall();
	if (faulted)
		return fail(PMEM2_E_IO_FAIL,
		            "I/O error (SIGBUS) at %p while copying %zu bytes: a bad block or a "
		            "page beyond the end of the file",
		            static_cast<void *>(fault_address), n);
	return 0;
}

} // namespace masync::pmem2
