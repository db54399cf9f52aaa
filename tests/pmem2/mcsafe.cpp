/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Machine-check-safe I/O: pmem2_source_pread_mcsafe/_pwrite_mcsafe (ranges,
 * source types, errors, EIO becoming PMEM2_E_IO_FAIL) and the SIGBUS-guarded
 * copy behind the Device DAX path, run into pages that cannot be read (past
 * the end of a truncated file, and hardware-poisoned where the kernel
 * allows it) without the process dying.
 */
#include "pmem2_test.hpp"

#include "pmem2/mcsafe.hpp"
#include "pmem2/mcsafe_copy.hpp"

#include <csignal>
#include <sys/mman.h>
#include <sys/wait.h>

using namespace pmem2_test;

TEST(mcsafe, read_and_write_a_file)
{
	scratch_file f(16 * KiB);
	ASSERT_EQ(pwrite(f.fd(), "0123456789", 10, 100), 10);
	source_ptr src;
	make_source(src, f.fd());
	char buf[16] = {};
	EXPECT_PMEM2_OK(pmem2_source_pread_mcsafe(src, buf, 10, 100));
	EXPECT_EQ(std::memcmp(buf, "0123456789", 10), 0);
	char hello[] = "hello";
	EXPECT_PMEM2_OK(pmem2_source_pwrite_mcsafe(src, hello, 5, 16 * KiB - 5));
	ASSERT_EQ(pread(f.fd(), buf, 5, 16 * KiB - 5), 5);
	EXPECT_EQ(std::memcmp(buf, "hello", 5), 0);
	/* a large transfer crossing many pages */
	std::string big(16 * KiB, 'x');
	EXPECT_PMEM2_OK(pmem2_source_pwrite_mcsafe(src, big.data(), big.size(), 0));
	std::string back(16 * KiB, 0);
	EXPECT_PMEM2_OK(pmem2_source_pread_mcsafe(src, back.data(), back.size(), 0));
	EXPECT_EQ(back, big);
}

TEST(mcsafe, range_checks)
{
	scratch_file f(16 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	char buf[8];
	EXPECT_PMEM2_OK(pmem2_source_pread_mcsafe(src, buf, 0, 0));
	EXPECT_PMEM2_OK(pmem2_source_pread_mcsafe(src, buf, 0, 16 * KiB));
	/* nothing to do, wherever it is */
	EXPECT_PMEM2_OK(pmem2_source_pread_mcsafe(src, buf, 0, 64 * KiB));
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(src, buf, 1, 16 * KiB),
	                  PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(src, buf, 2, 16 * KiB - 1),
	                  PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(src, buf, SIZE_MAX, 1),
	                  PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(src, buf, 1, SIZE_MAX),
	                  PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_source_pwrite_mcsafe(src, buf, 1, 16 * KiB),
	                  PMEM2_E_LENGTH_OUT_OF_RANGE);
	struct stat st;
	ASSERT_EQ(fstat(f.fd(), &st), 0);
	EXPECT_EQ(st.st_size, 16 * 1024) << "a refused write must not grow the file";
}

TEST(mcsafe, source_errors)
{
	char buf[8] = {};
	source_ptr anon;
	ASSERT_EQ(pmem2_source_from_anon(&anon, 16 * KiB), 0);
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(anon, buf, 8, 0),
	                  PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED);
	EXPECT_PMEM2_FAIL(pmem2_source_pwrite_mcsafe(anon, buf, 8, 0),
	                  PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED);
	/* the type is checked before the range */
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(anon, buf, 8, 16 * KiB),
	                  PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED);

	scratch_file ro(4 * KiB, O_RDONLY);
	source_ptr src;
	make_source(src, ro.fd());
	EXPECT_PMEM2_FAIL(pmem2_source_pwrite_mcsafe(src, buf, 1, 0), -EBADF);
	EXPECT_PMEM2_OK(pmem2_source_pread_mcsafe(src, buf, 1, 0));

	scratch_file gone(4 * KiB);
	source_ptr closed;
	make_source(closed, gone.fd());
	gone.close_fd();
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(closed, buf, 1, 0),
	                  PMEM2_E_INVALID_FILE_HANDLE);

	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(nullptr, buf, 1, 0), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_pwrite_mcsafe(src, nullptr, 1, 0), -EINVAL);
}

namespace
{

ssize_t pread_eio(int, void *, size_t, off_t)
{
	errno = EIO;
	return -1;
}

ssize_t pwrite_eio(int, const void *, size_t, off_t)
{
	errno = EIO;
	return -1;
}

/* Returns half of what is asked, then end of file. */
ssize_t pread_short(int fd, void *buf, size_t n, off_t off)
{
	static int calls = 0;
	if (calls++ == 0)
		return ::pread(fd, buf, n / 2, off);
	return 0;
}

struct hooks_guard {
	masync::pmem2::mcsafe_io_hooks saved = masync::pmem2::mcsafe_io();
	~hooks_guard() { masync::pmem2::mcsafe_io() = saved; }
};

} // namespace

/* What the kernel reports for a media error on a file, EIO, becomes PMEM2_E_IO_FAIL. */
TEST(mcsafe, eio_is_an_io_failure)
{
	scratch_file f(16 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	hooks_guard restore;
	masync::pmem2::mcsafe_io().pread = pread_eio;
	masync::pmem2::mcsafe_io().pwrite = pwrite_eio;
	char buf[8] = {};
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(src, buf, 8, 0), PMEM2_E_IO_FAIL);
	EXPECT_NE(std::strstr(pmem2_errormsg(), "bad block"), nullptr) << pmem2_errormsg();
	EXPECT_PMEM2_FAIL(pmem2_source_pwrite_mcsafe(src, buf, 8, 0), PMEM2_E_IO_FAIL);
	masync::pmem2::mcsafe_io().pread = pread_short;
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(src, buf, 8, 0), PMEM2_E_LENGTH_OUT_OF_RANGE);
}

/* A page past the end of a truncated file raises SIGBUS: the copy survives it. */
TEST(mcsafe_copy, unreadable_page_gives_io_fail)
{
	scratch_file f(3 * 4096);
	auto *p = static_cast<char *>(
	    mmap(nullptr, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd(), 0));
	ASSERT_NE(p, MAP_FAILED);
	std::memset(p, 'a', 3 * 4096);
	ASSERT_EQ(ftruncate(f.fd(), 4096), 0); /* pages 1 and 2 now fault */

	char buf[3 * 4096];
	EXPECT_EQ(masync::pmem2::mcsafe_copy(buf, p, 4096), 0);
	EXPECT_EQ(buf[4095], 'a');
	EXPECT_EQ(masync::pmem2::mcsafe_copy(buf, p, 2 * 4096), PMEM2_E_IO_FAIL);
	EXPECT_NE(std::strstr(pmem2_errormsg(), "SIGBUS"), nullptr) << pmem2_errormsg();
	/* writing into the unreadable page is caught the same way */
	EXPECT_EQ(masync::pmem2::mcsafe_copy(p + 4096 + 10, buf, 10), PMEM2_E_IO_FAIL);
	/* and again: the guard is re-armed every time */
	for (int i = 0; i < 3; ++i)
		EXPECT_EQ(masync::pmem2::mcsafe_copy(buf, p + 2 * 4096, 1), PMEM2_E_IO_FAIL);
	EXPECT_EQ(masync::pmem2::mcsafe_copy(buf, p, 100), 0);
	munmap(p, 3 * 4096);
}

namespace
{

volatile sig_atomic_t user_handler_calls = 0;
void user_handler(int)
{
	user_handler_calls = user_handler_calls + 1;
}

} // namespace

/* The program's own SIGBUS handler is left in place and not called for our faults. */
TEST(mcsafe_copy, previous_handler_is_kept)
{
	struct sigaction sa {
	}, old{};
	sa.sa_handler = user_handler;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(SIGBUS, &sa, &old), 0);

	scratch_file f(2 * 4096);
	auto *p = static_cast<char *>(mmap(nullptr, 2 * 4096, PROT_READ, MAP_SHARED, f.fd(), 0));
	ASSERT_NE(p, MAP_FAILED);
	ASSERT_EQ(ftruncate(f.fd(), 0), 0);
	char buf[16];
	EXPECT_EQ(masync::pmem2::mcsafe_copy(buf, p + 4096, 16), PMEM2_E_IO_FAIL);
	EXPECT_EQ(user_handler_calls, 0);

	struct sigaction now {
	};
	ASSERT_EQ(sigaction(SIGBUS, nullptr, &now), 0);
	EXPECT_EQ(now.sa_handler, user_handler);
	munmap(p, 2 * 4096);
	sigaction(SIGBUS, &old, nullptr);
}

/* Outside a guarded copy a SIGBUS still kills the process, as without libpmem2. */
TEST(mcsafe_copy, faults_outside_a_copy_are_not_swallowed)
{
	scratch_file f(2 * 4096);
	auto *p =
	    static_cast<volatile char *>(mmap(nullptr, 2 * 4096, PROT_READ, MAP_SHARED, f.fd(), 0));
	ASSERT_NE(p, MAP_FAILED);
	ASSERT_EQ(ftruncate(f.fd(), 0), 0);
	pid_t pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[4];
		masync::pmem2::mcsafe_copy(buf, const_cast<char *>(p), 4); /* caught */
		(void)p[4096];                                             /* not caught */
		_exit(0);
	}
	int status = 0;
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	/* killed by SIGBUS, or stopped by the handler that was there before (a sanitizer's) */
	bool died = (WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS) ||
	            (WIFEXITED(status) && WEXITSTATUS(status) != 0);
	EXPECT_TRUE(died) << "the child survived an unguarded SIGBUS: status " << status;
	munmap(const_cast<char *>(p), 2 * 4096);
}

/* A hardware-poisoned page (where the kernel lets root make one) through the public API. */
TEST(mcsafe, hardware_poisoned_page)
{
	scratch_file f(3 * 4096);
	auto *p = static_cast<char *>(
	    mmap(nullptr, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd(), 0));
	ASSERT_NE(p, MAP_FAILED);
	std::memset(p, 'a', 3 * 4096);
	if (madvise(p + 4096, 4096, MADV_HWPOISON) != 0) {
		int err = errno;
		munmap(p, 3 * 4096);
		GTEST_SKIP() << "MADV_HWPOISON not permitted here (" << std::strerror(err)
		             << "); the truncated-file test covers the SIGBUS path";
	}
	munmap(p, 3 * 4096);
	source_ptr src;
	make_source(src, f.fd());
	char buf[4096];
	EXPECT_PMEM2_OK(pmem2_source_pread_mcsafe(src, buf, 4096, 0));
	EXPECT_PMEM2_FAIL(pmem2_source_pread_mcsafe(src, buf, 4096, 4096), PMEM2_E_IO_FAIL);
}
