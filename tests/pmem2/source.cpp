/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Data sources: pmem2_source_from_fd/_from_anon/_get_fd/_size/_alignment/
 * _delete, every error code they can return on this machine.
 */
#include "pmem2_test.hpp"

#include "pmem2/devdax.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/source.hpp"

#include <sys/socket.h>
#include <sys/sysmacros.h>

using namespace pmem2_test;

TEST(source_from_fd, regular_file_read_write)
{
	scratch_file f(10 * KiB);
	source_ptr src;
	EXPECT_PMEM2_OK(pmem2_source_from_fd(&src, f.fd()));
	ASSERT_NE(src.p, nullptr);
	int fd = -1;
	EXPECT_PMEM2_OK(pmem2_source_get_fd(src, &fd));
	EXPECT_EQ(fd, f.fd());
}

TEST(source_from_fd, regular_file_read_only)
{
	scratch_file f(4 * KiB, O_RDONLY);
	source_ptr src;
	EXPECT_PMEM2_OK(pmem2_source_from_fd(&src, f.fd()));
	EXPECT_NE(src.p, nullptr);
}

TEST(source_from_fd, negative_fd)
{
	source_ptr src;
	src.p = reinterpret_cast<pmem2_source *>(&src); /* must be reset to NULL */
	EXPECT_PMEM2_FAIL(pmem2_source_from_fd(&src, -1), PMEM2_E_INVALID_FILE_HANDLE);
	EXPECT_EQ(src.p, nullptr);
}

TEST(source_from_fd, closed_fd)
{
	scratch_file f(4 * KiB);
	int fd = f.fd();
	f.close_fd();
	source_ptr src;
	EXPECT_PMEM2_FAIL(pmem2_source_from_fd(&src, fd), PMEM2_E_INVALID_FILE_HANDLE);
	EXPECT_EQ(src.p, nullptr);
}

TEST(source_from_fd, write_only_fd)
{
	scratch_file f(4 * KiB, O_WRONLY);
	source_ptr src;
	EXPECT_PMEM2_FAIL(pmem2_source_from_fd(&src, f.fd()), PMEM2_E_INVALID_FILE_HANDLE);
	EXPECT_NE(std::strstr(pmem2_errormsg(), "write-only"), nullptr) << pmem2_errormsg();
}

TEST(source_from_fd, directory)
{
	int fd = open("/dev/shm", O_RDONLY | O_DIRECTORY);
	ASSERT_GE(fd, 0);
	source_ptr src;
	EXPECT_PMEM2_FAIL(pmem2_source_from_fd(&src, fd), PMEM2_E_INVALID_FILE_TYPE);
	EXPECT_NE(std::strstr(pmem2_errormsg(), "directory"), nullptr) << pmem2_errormsg();
	close(fd);
}

TEST(source_from_fd, fifo_pipe_socket)
{
	int p[2];
	ASSERT_EQ(pipe(p), 0);
	source_ptr src;
	EXPECT_PMEM2_FAIL(pmem2_source_from_fd(&src, p[0]), PMEM2_E_INVALID_FILE_TYPE);
	close(p[0]);
	close(p[1]);

	std::string fifo = "/dev/shm/masync-pmem2-test-fifo-" + std::to_string(getpid());
	ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
	int fd = open(fifo.c_str(), O_RDWR | O_NONBLOCK);
	ASSERT_GE(fd, 0);
	EXPECT_PMEM2_FAIL(pmem2_source_from_fd(&src, fd), PMEM2_E_INVALID_FILE_TYPE);
	close(fd);
	unlink(fifo.c_str());

	int sv[2];
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_PMEM2_FAIL(pmem2_source_from_fd(&src, sv[0]), PMEM2_E_INVALID_FILE_TYPE);
	close(sv[0]);
	close(sv[1]);
}

/* A character device other than Device DAX. */
TEST(source_from_fd, character_device_not_dax)
{
	int fd = open("/dev/null", O_RDWR);
	ASSERT_GE(fd, 0);
	source_ptr src;
	EXPECT_PMEM2_FAIL(pmem2_source_from_fd(&src, fd), PMEM2_E_INVALID_FILE_TYPE);
	EXPECT_NE(std::strstr(pmem2_errormsg(), "Device DAX"), nullptr) << pmem2_errormsg();
	close(fd);
}

TEST(source_from_fd, null_out_pointer)
{
	scratch_file f(4 * KiB);
	EXPECT_PMEM2_FAIL(pmem2_source_from_fd(nullptr, f.fd()), -EINVAL);
}

TEST(source_from_anon, basics)
{
	source_ptr src;
	EXPECT_PMEM2_OK(pmem2_source_from_anon(&src, 3 * MiB));
	size_t size = 0, align = 0;
	EXPECT_PMEM2_OK(pmem2_source_size(src, &size));
	EXPECT_EQ(size, 3 * MiB);
	EXPECT_PMEM2_OK(pmem2_source_alignment(src, &align));
	EXPECT_EQ(align, page());
	int fd = 1234;
	EXPECT_PMEM2_FAIL(pmem2_source_get_fd(src, &fd), PMEM2_E_FILE_DESCRIPTOR_NOT_SET);
	EXPECT_EQ(fd, 1234);
}

TEST(source_from_anon, zero_and_huge_sizes_are_accepted)
{
	source_ptr a, b;
	EXPECT_PMEM2_OK(pmem2_source_from_anon(&a, 0));
	EXPECT_PMEM2_OK(pmem2_source_from_anon(&b, SIZE_MAX));
	size_t size = 1;
	EXPECT_PMEM2_OK(pmem2_source_size(a, &size));
	EXPECT_EQ(size, 0u);
	EXPECT_PMEM2_FAIL(pmem2_source_from_anon(nullptr, 1), -EINVAL);
}

TEST(source_size, follows_the_file)
{
	scratch_file f(10 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	size_t size = 0;
	EXPECT_PMEM2_OK(pmem2_source_size(src, &size));
	EXPECT_EQ(size, 10 * KiB);
	ASSERT_EQ(ftruncate(f.fd(), 1 * MiB), 0);
	EXPECT_PMEM2_OK(pmem2_source_size(src, &size));
	EXPECT_EQ(size, 1 * MiB);
	ASSERT_EQ(ftruncate(f.fd(), 0), 0);
	EXPECT_PMEM2_OK(pmem2_source_size(src, &size));
	EXPECT_EQ(size, 0u);
}

TEST(source_size, descriptor_closed_afterwards)
{
	scratch_file f(8 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	f.close_fd();
	size_t size = 777;
	EXPECT_PMEM2_FAIL(pmem2_source_size(src, &size), PMEM2_E_INVALID_FILE_HANDLE);
	EXPECT_EQ(size, 777u) << "size must be left unmodified on failure";
	/* the alignment of a regular file needs no system call */
	size_t align = 0;
	EXPECT_PMEM2_OK(pmem2_source_alignment(src, &align));
	EXPECT_EQ(align, page());
}

TEST(source_size, null_arguments)
{
	source_ptr src;
	ASSERT_EQ(pmem2_source_from_anon(&src, 1), 0);
	size_t size;
	EXPECT_PMEM2_FAIL(pmem2_source_size(nullptr, &size), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_size(src, nullptr), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_alignment(nullptr, &size), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_alignment(src, nullptr), -EINVAL);
	int fd;
	EXPECT_PMEM2_FAIL(pmem2_source_get_fd(nullptr, &fd), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_get_fd(src, nullptr), -EINVAL);
}

TEST(source_delete, resets_and_tolerates_null)
{
	source_ptr src;
	ASSERT_EQ(pmem2_source_from_anon(&src, 1), 0);
	EXPECT_PMEM2_OK(pmem2_source_delete(&src));
	EXPECT_EQ(src.p, nullptr);
	EXPECT_PMEM2_OK(pmem2_source_delete(&src));
	EXPECT_PMEM2_OK(pmem2_source_delete(nullptr));
}

/* The sysfs Device DAX queries answer sensibly for a device that is not one. */
TEST(devdax, queries_on_a_device_that_is_not_dax)
{
	struct stat st;
	ASSERT_EQ(stat("/dev/null", &st), 0);
	masync::pmem2::err_clear();
	EXPECT_EQ(masync::pmem2::devdax_check(st.st_rdev), PMEM2_E_INVALID_FILE_TYPE);
	size_t v = 5;
	EXPECT_LT(masync::pmem2::devdax_size(st.st_rdev, &v), 0);
	EXPECT_STRNE(pmem2_errormsg(), "");
	EXPECT_LT(masync::pmem2::devdax_alignment(st.st_rdev, &v), 0);
	EXPECT_EQ(v, 5u);
	EXPECT_EQ(masync::pmem2::devdax_deep_flush(st.st_rdev), PMEM2_E_DAX_REGION_NOT_FOUND);
	/* a device number nobody uses: sysfs cannot say what it is */
	EXPECT_LT(masync::pmem2::devdax_check(makedev(4095, 1048575)), 0);
}
