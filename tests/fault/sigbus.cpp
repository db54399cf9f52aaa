/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/fault/sigbus.cpp -- a mapped file truncated by another process.
 *
 * What libpmem2 promises (docs/testing.md, "SIGBUS"): nothing can make a
 * load or store to a page past the new end of the file succeed; the kernel
 * raises SIGBUS in the thread that touches it, and libpmem2 neither catches
 * nor masks it, whether the access is the program's own or one libpmem2
 * makes for it (pmem2_memcpy_async and the map's memory functions). What
 * it does promise: calls that do not touch the lost pages keep working
 * (pmem2_map_delete of the map succeeds), and a new map of the shrunken
 * file past its end fails with an error code and message instead of
 * mapping pages that would fault.
 */
#define PMEM2_USE_MINIASYNC 1
#include <libminiasync.h>
#include <libpmem2.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace
{

constexpr std::size_t kLen = 64 * 1024;

/*
 * A 64 KiB file under /tmp, unlinked as soon as it is made: the death
 * tests' children die of SIGBUS before any destructor runs, and must not
 * leave their files behind.
 */
struct Mapped {
	int fd = -1;
	pmem2_config *cfg = nullptr;
	pmem2_source *src = nullptr;
	pmem2_map *map = nullptr;

	Mapped()
	{
		char tmpl[] = "/tmp/masync-sigbus-XXXXXX";
		fd = mkstemp(tmpl);
		if (fd < 0 || unlink(tmpl) != 0 || ftruncate(fd, kLen) != 0)
			std::abort();
		if (pmem2_config_new(&cfg) ||
		    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE) ||
		    pmem2_source_from_fd(&src, fd) || pmem2_map_new(&map, cfg, src))
			std::abort();
		std::memset(pmem2_map_get_address(map), 0x11, kLen);
	}
	~Mapped()
	{
		if (map)
			pmem2_map_delete(&map);
		pmem2_source_delete(&src);
		pmem2_config_delete(&cfg);
		close(fd);
	}
	unsigned char *base() { return static_cast<unsigned char *>(pmem2_map_get_address(map)); }
};

/* Another process (a child sharing the open file) shrinks the file to `len` bytes. */
void truncate_elsewhere(int fd, off_t len)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(ftruncate(fd, len) == 0 ? 0 : 1);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		std::abort();
}

/*
 * Killed by SIGBUS; under ASan, which reports the signal and exits, a
 * non-zero exit with its "BUS" report.
 */
#if defined(MASYNC_SANITIZED) && !defined(MASYNC_TSAN)
constexpr const char *kSigbusReport = "BUS";
constexpr bool kReportExits = true;
#else
constexpr const char *kSigbusReport = "";
constexpr bool kReportExits = false;
#endif
bool died_of_sigbus(int st)
{
	return (WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS) ||
	       (kReportExits && WIFEXITED(st) && WEXITSTATUS(st) != 0);
}

#if defined(__SANITIZE_THREAD__)
/* TSan turns SIGBUS into its own report and exit 66: the death tests cannot see the signal. */
#define SKIP_UNDER_TSAN() GTEST_SKIP() << "TSan intercepts SIGBUS"
#else
#define SKIP_UNDER_TSAN() (void)0
#endif

TEST(fault_sigbus, a_load_past_the_new_end_raises_sigbus)
{
	SKIP_UNDER_TSAN();
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	EXPECT_EXIT(
	    {
		    Mapped m;
		    truncate_elsewhere(m.fd, 0);
		    volatile unsigned char v = m.base()[kLen / 2];
		    (void)v;
		    _exit(0);
	    },
	    died_of_sigbus, kSigbusReport);
}

TEST(fault_sigbus, an_async_copy_into_lost_pages_raises_sigbus_in_the_poller)
{
	SKIP_UNDER_TSAN();
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	EXPECT_EXIT(
	    {
		    Mapped m;
		    truncate_elsewhere(m.fd, 4096);
		    static unsigned char buf[8192];
		    pmem2_future f =
		        pmem2_memcpy_async(m.map, m.base() + 8192, buf, sizeof(buf), 0);
		    FUTURE_BUSY_POLL(&f);
		    _exit(0);
	    },
	    died_of_sigbus, kSigbusReport);
}

TEST(fault_sigbus, untouched_pages_and_new_maps_stay_safe)
{
	Mapped m;
	truncate_elsewhere(m.fd, 4096);
	/* the page still backed by the file works */
	m.base()[100] = 0x22;
	EXPECT_EQ(m.base()[100], 0x22);
	static unsigned char buf[256];
	std::memset(buf, 0x33, sizeof(buf));
	pmem2_future f = pmem2_memcpy_async(m.map, m.base() + 1024, buf, sizeof(buf), 0);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(FUTURE_OUTPUT(&f)->dest, m.base() + 1024);
	EXPECT_EQ(m.base()[1024], 0x33);

	/* a new map of the old length no longer fits the file: an error, not a map */
	pmem2_source *src = nullptr;
	pmem2_config *cfg = nullptr;
	ASSERT_EQ(pmem2_source_from_fd(&src, m.fd), 0);
	ASSERT_EQ(pmem2_config_new(&cfg), 0);
	ASSERT_EQ(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE), 0);
	ASSERT_EQ(pmem2_config_set_length(cfg, kLen), 0);
	pmem2_map *again = nullptr;
	int ret = pmem2_map_new(&again, cfg, src);
	EXPECT_LT(ret, 0);
	EXPECT_EQ(again, nullptr);
	EXPECT_STRNE(pmem2_errormsg(), "");
	if (again)
		pmem2_map_delete(&again);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);

	/* the old map is deleted cleanly */
	EXPECT_EQ(pmem2_map_delete(&m.map), 0);
	EXPECT_EQ(m.map, nullptr);
}

} // namespace
