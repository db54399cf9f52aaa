/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * cxx_pmem2_async_copy -- copies a file into a pmem2 mapping with N copies
 * in flight, from coroutines, durably.
 *
 * The destination file is mapped with libpmem2 (masync::pmem2::map); the
 * copies run on a threads mover given to the map's config. N tasks on one
 * event loop each take the next chunk, read it from the source file into
 * their own buffer and co_await map.memcpy_async() into the mapping: while
 * one task waits for its copy, the others read and submit theirs. Each
 * completed future means its chunk is durable.
 *
 *   example_cxx_pmem2_async_copy SRC DST [N=8] [chunk_bytes=262144]
 *   example_cxx_pmem2_async_copy            (a self-test on temporary files)
 */
#define PMEM2_USE_MINIASYNC 1
#include <masync/event_loop.hpp>
#include <masync/mover.hpp>
#include <masync/pmem2.hpp>
#include <masync/task.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace
{

struct job {
	int src_fd;
	std::size_t size;
	std::size_t chunk;
	std::size_t next = 0; /* the next chunk to take (one thread: no atomics) */
	std::size_t copied = 0;
};

/* One of the N copiers: reads a chunk, copies it into the map, repeats. */
masync::task<> copier(const masync::pmem2::map &map, job &j)
{
	std::vector<char> buf(j.chunk);
	char *dst = static_cast<char *>(map.address());
	while (j.next < j.size) {
		std::size_t off = j.next;
		std::size_t len = std::min(j.chunk, j.size - off);
		j.next += len;
		ssize_t got = pread(j.src_fd, buf.data(), len, static_cast<off_t>(off));
		if (got != static_cast<ssize_t>(len))
			throw masync::error(masync::make_errno_error_code(got < 0 ? errno : EIO),
			                    "pread");
		co_await map.memcpy_async(dst + off, buf.data(), len); /* durable when it returns */
		j.copied += len;
	}
}

int copy_file(const char *src_path, const char *dst_path, unsigned n, std::size_t chunk)
{
	int src_fd = open(src_path, O_RDONLY);
	if (src_fd < 0) {
		std::perror(src_path);
		return 1;
	}
	struct stat st;
	fstat(src_fd, &st);
	std::size_t size = static_cast<std::size_t>(st.st_size);
	int dst_fd = open(dst_path, O_RDWR | O_CREAT, 0644);
	if (dst_fd < 0 || ftruncate(dst_fd, static_cast<off_t>(size ? size : 1)) != 0) {
		std::perror(dst_path);
		return 1;
	}
	int ret = 0;
	try {
		masync::threads_mover mover(masync::threads_mover_options{.threads = 2});
		masync::pmem2::source source = masync::pmem2::source::from_fd(dst_fd);
		masync::pmem2::config cfg;
		cfg.set_required_store_granularity(masync::pmem2::granularity::page).set_vdm(mover);
		masync::pmem2::map map(cfg, source);

		job j{src_fd, size, chunk};
		masync::event_loop loop;
		for (unsigned i = 0; i < n; ++i)
			loop.spawn(copier(map, j));
		loop.run();
		std::printf("copied %zu bytes into %s (%s granularity), %u copies in flight\n",
		            j.copied, dst_path,
		            map.store_granularity() == masync::pmem2::granularity::page
		                ? "page"
		                : "byte/cache line",
		            n);
	} catch (const masync::error &e) {
		std::fprintf(stderr, "cxx_pmem2_async_copy: %s (code %d)\n", e.what(), e.c_code());
		ret = 1;
	}
	close(dst_fd);
	close(src_fd);
	return ret;
}

/* No arguments: copy a generated file and compare. */
int self_test()
{
	const char *dir = std::getenv("TMPDIR");
	std::string base =
	    std::string(dir ? dir : "/tmp") + "/masync_cxx_copy_" + std::to_string(getpid());
	std::string src = base + ".src", dst = base + ".dst";
	std::vector<char> data(5 * 1024 * 1024 + 123);
	unsigned x = 12345;
	for (char &c : data)
		c = static_cast<char>((x = x * 1103515245 + 12345) >> 16);
	FILE *f = std::fopen(src.c_str(), "wb");
	if (!f || std::fwrite(data.data(), 1, data.size(), f) != data.size())
		return 1;
	std::fclose(f);
	int ret = copy_file(src.c_str(), dst.c_str(), 8, 256 * 1024);
	if (ret == 0) {
		std::vector<char> back(data.size());
		int fd = open(dst.c_str(), O_RDONLY);
		ret =
		    (pread(fd, back.data(), back.size(), 0) == static_cast<ssize_t>(back.size()) &&
		     back == data)
		        ? 0
		        : 1;
		close(fd);
		std::printf("verify: %s\n", ret == 0 ? "ok" : "MISMATCH");
	}
	unlink(src.c_str());
	unlink(dst.c_str());
	return ret;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 3)
		return self_test();
	unsigned n = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 8;
	std::size_t chunk = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 256 * 1024;
	return copy_file(argv[1], argv[2], n ? n : 1, chunk ? chunk : 4096);
}
