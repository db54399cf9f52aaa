/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/pmem2/pmem2_test.hpp -- helpers shared by the libpmem2 tests:
 * scratch files on /dev/shm with unique names (removed when the helper goes
 * out of scope), an environment-variable guard for PMEM2_FORCE_GRANULARITY,
 * RAII owners for sources, configs and maps, and error-message assertions.
 * Header-only; each test executable includes it.
 */
#ifndef MASYNC_TESTS_PMEM2_TEST_HPP
#define MASYNC_TESTS_PMEM2_TEST_HPP

#include <libpmem2.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace pmem2_test
{

inline constexpr size_t KiB = size_t{1} << 10;
inline constexpr size_t MiB = size_t{1} << 20;
inline constexpr size_t GiB = size_t{1} << 30;

inline size_t page()
{
	return static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

/* A file on /dev/shm with a name no other test (or process) uses. */
class scratch_file
{
      public:
	explicit scratch_file(size_t size, int flags = O_RDWR)
	{
		static std::atomic<unsigned> counter{0};
		const char *test =
		    ::testing::UnitTest::GetInstance()->current_test_info()
		        ? ::testing::UnitTest::GetInstance()->current_test_info()->name()
		        : "none";
		path_ = "/dev/shm/masync-pmem2-test-" + std::to_string(getpid()) + "-" +
		        std::to_string(counter++) + "-" + test;
		int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
		EXPECT_GE(fd, 0) << path_;
		EXPECT_EQ(ftruncate(fd, static_cast<off_t>(size)), 0);
		close(fd);
		fd_ = open(path_.c_str(), flags);
		EXPECT_GE(fd_, 0) << path_;
	}
	~scratch_file()
	{
		if (fd_ >= 0)
			close(fd_);
		unlink(path_.c_str());
	}
	scratch_file(const scratch_file &) = delete;
	scratch_file &operator=(const scratch_file &) = delete;

	int fd() const { return fd_; }
	const std::string &path() const { return path_; }
	/* Closes the descriptor now (the file stays until destruction). */
	void close_fd()
	{
		close(fd_);
		fd_ = -1;
	}

      private:
	std::string path_;
	int fd_ = -1;
};

/* Sets (or unsets, with nullptr) an environment variable for one scope. */
class env_guard
{
      public:
	env_guard(const char *name, const char *value) : name_(name)
	{
		const char *old = std::getenv(name);
		had_ = old != nullptr;
		if (had_)
			old_ = old;
		if (value)
			setenv(name, value, 1);
		else
			unsetenv(name);
	}
	~env_guard()
	{
		if (had_)
			setenv(name_.c_str(), old_.c_str(), 1);
		else
			unsetenv(name_.c_str());
	}
	env_guard(const env_guard &) = delete;
	env_guard &operator=(const env_guard &) = delete;

      private:
	std::string name_, old_;
	bool had_ = false;
};

/* Forces a granularity (or clears the variable) for one scope. */
struct force_granularity : env_guard {
	explicit force_granularity(const char *value) : env_guard("PMEM2_FORCE_GRANULARITY", value)
	{
	}
};

struct source_ptr {
	pmem2_source *p = nullptr;
	source_ptr() = default;
	source_ptr(const source_ptr &) = delete;
	~source_ptr() { pmem2_source_delete(&p); }
	pmem2_source **operator&() { return &p; }
	operator pmem2_source *() const { return p; }
};

struct config_ptr {
	pmem2_config *p = nullptr;
	config_ptr() { EXPECT_EQ(pmem2_config_new(&p), 0); }
	explicit config_ptr(pmem2_granularity g) : config_ptr()
	{
		EXPECT_EQ(pmem2_config_set_required_store_granularity(p, g), 0);
	}
	config_ptr(const config_ptr &) = delete;
	~config_ptr() { pmem2_config_delete(&p); }
	operator pmem2_config *() const { return p; }
};

struct map_ptr {
	pmem2_map *p = nullptr;
	map_ptr() = default;
	map_ptr(const map_ptr &) = delete;
	~map_ptr()
	{
		if (p) {
			EXPECT_EQ(pmem2_map_delete(&p), 0) << pmem2_errormsg();
		}
	}
	pmem2_map **operator&() { return &p; }
	operator pmem2_map *() const { return p; }
	char *addr() const { return static_cast<char *>(pmem2_map_get_address(p)); }
};

/* A source on fd, which must succeed. */
inline void make_source(source_ptr &src, int fd)
{
	ASSERT_EQ(pmem2_source_from_fd(&src, fd), 0) << pmem2_errormsg();
}

} // namespace pmem2_test

/* The call fails with code and leaves a non-empty message. */
#define EXPECT_PMEM2_FAIL(call, code)                                                       \
	do {                                                                                \
		int rc_ = (call);                                                           \
		EXPECT_EQ(rc_, (code)) << #call << ": " << pmem2_errormsg();                \
		EXPECT_STRNE(pmem2_errormsg(), "") << #call << " failed without a message"; \
	} while (0)

/* The call succeeds and leaves an empty message. */
#define EXPECT_PMEM2_OK(call)                                                           \
	do {                                                                            \
		int rc_ = (call);                                                       \
		EXPECT_EQ(rc_, 0) << #call << ": " << pmem2_errormsg();                 \
		EXPECT_STREQ(pmem2_errormsg(), "") << #call << " left a stale message"; \
	} while (0)

#endif
