/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * A real work queue: /dev/dsa/wqX.Y opened, its portal page mapped, and
 * descriptors sent with MOVDIR64B (dedicated queue) or ENQCMD (shared queue,
 * ZF set = refused), chosen from CPUID at run time; when the portal cannot
 * be mapped (Linux >= 6.9 without CAP_SYS_RAWIO: EPERM) descriptors are
 * written with write(2) on the queue's file descriptor. A CPU without the
 * instruction a mapped portal needs gets no portal (the mover then uses the
 * CPU), never SIGILL. After fork() the child does not use the parent's
 * portal (pthread_atfork sets a flag; usable() turns false and the mover
 * runs the child's operations on the CPU).
 *
 * NOT RUN HERE: this machine has no DSA and its CPU lacks MOVDIR64B; the
 * code compiles and is reviewed, nothing more (docs/dsa.md). The dedicated
 * queue's in-flight limit is enforced by the mover (queue size).
 */

#include "common/cpu.hpp"
#include "common/flush.hpp"
#include "dsa/portal.hpp"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <immintrin.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

namespace masync::dsa
{
namespace
{

std::atomic<bool> forked{false};

void mark_forked() noexcept
{
	forked.store(true, std::memory_order_relaxed);
}

__attribute__((target("movdir64b"))) void send_movdir64b(void *portal, const dsa_hw_desc &d)
{
	_movdir64b(portal, &d);
}

__attribute__((target("enqcmd"))) bool send_enqcmd(void *portal, const dsa_hw_desc &d)
{
	return _enqcmd(portal, &d) == 0; /* ZF clear: accepted */
}

class hw_portal final : public portal
{
      public:
	hw_portal(wq_info info, int fd, void *page) : info_(std::move(info)), fd_(fd), page_(page)
	{
	}
	~hw_portal() override
	{
		if (page_ != nullptr)
			munmap(page_, 4096);
		close(fd_);
	}
	hw_portal(const hw_portal &) = delete;
	hw_portal &operator=(const hw_portal &) = delete;

	const wq_info &info() const noexcept override { return info_; }
	bool usable() const noexcept override { return !forked.load(std::memory_order_relaxed); }
	bool batches() const noexcept override { return page_ != nullptr; } /* not via write(2) */

	submit_result submit(const dsa_hw_desc &d) noexcept override
	{
		if (forked.load(std::memory_order_relaxed))
			return submit_result::error;
		if (page_ == nullptr) {
			ssize_t r = write(fd_, &d, sizeof(d));
			if (r == static_cast<ssize_t>(sizeof(d)))
				return submit_result::accepted;
			return (r < 0 && (errno == EAGAIN || errno == EBUSY))
			           ? submit_result::refused
			           : submit_result::error;
		}
		/* Descriptor stores must be visible before the device reads them. */
		store_fence();
		if (info_.dedicated) {
			send_movdir64b(page_, d);
			return submit_result::accepted;
		}
		return send_enqcmd(page_, d) ? submit_result::accepted : submit_result::refused;
	}

      private:
	wq_info info_;
	int fd_;
	void *page_;
};

} // namespace

std::unique_ptr<portal> open_hw_portal(const wq_info &wq, const char **why)
{
	static const int atfork = pthread_atfork(nullptr, nullptr, mark_forked);
	(void)atfork;
	if (wq.model || wq.dev_path.empty()) {
		*why = "not a device queue";
		return nullptr;
	}
	int fd = open(wq.dev_path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*why = "no permission on the queue's device file";
		return nullptr;
	}
	void *page = mmap(nullptr, 4096, PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (page == MAP_FAILED) {
		page = nullptr; /* write(2) path */
	} else if (wq.dedicated ? !cpu().movdir64b : !cpu().enqcmd) {
		munmap(page, 4096);
		close(fd);
		*why = wq.dedicated ? "CPU lacks MOVDIR64B" : "CPU lacks ENQCMD";
		return nullptr;
	}
	try {
		return std::make_unique<hw_portal>(wq, fd, page);
	} catch (...) {
		if (page != nullptr)
			munmap(page, 4096);
		close(fd);
		*why = "out of memory";
		return nullptr;
	}
}

} // namespace masync::dsa
