/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The shared libpmem2 can be loaded with dlopen, also as two copies at once
 * (as a plugin host or two language bindings may), and each copy keeps its
 * own per-thread error message. With an initial-exec thread-local variable
 * anywhere in the library, the linker marked it STATIC_TLS and the second
 * dlopen failed: "cannot allocate memory in static TLS block".
 *
 * The path of the shared library comes from MASYNC_LIBPMEM2 (set by CTest).
 */
#include <gtest/gtest.h>

#include <libpmem2.h>

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <string>
#include <unistd.h>

namespace
{

using source_from_fd_fn = int (*)(struct pmem2_source **, int);
using errormsg_fn = const char *(*)();

/* Copies `from` to `to`; false on any error. */
bool copy_file(const std::string &from, const std::string &to)
{
	std::FILE *in = std::fopen(from.c_str(), "rb");
	if (in == nullptr)
		return false;
	std::FILE *out = std::fopen(to.c_str(), "wb");
	bool ok = out != nullptr;
	char buf[1 << 16];
	std::size_t n;
	while (ok && (n = std::fread(buf, 1, sizeof(buf), in)) > 0)
		ok = std::fwrite(buf, 1, n, out) == n;
	ok = ok && !std::ferror(in);
	std::fclose(in);
	if (out != nullptr && std::fclose(out) != 0)
		ok = false;
	return ok;
}

struct loaded {
	void *handle = nullptr;
	source_from_fd_fn source_from_fd = nullptr;
	errormsg_fn errormsg = nullptr;
};

/* Closes and removes the copies and their directory however the test ends. */
struct scratch {
	std::string dir;
	std::string paths[2];
	loaded copies[2];
	~scratch()
	{
		for (loaded &c : copies)
			if (c.handle != nullptr)
				(void)dlclose(c.handle);
		for (const std::string &p : paths)
			if (!p.empty())
				(void)unlink(p.c_str());
		if (!dir.empty())
			(void)rmdir(dir.c_str());
	}
};

} // namespace

TEST(dlopen, two_copies_load_and_keep_their_own_messages)
{
	const char *lib = std::getenv("MASYNC_LIBPMEM2");
	if (lib == nullptr || *lib == '\0')
		GTEST_SKIP() << "MASYNC_LIBPMEM2 is not set (run through CTest)";

	char dir_template[] = "/tmp/masync-dlopen-XXXXXX";
	ASSERT_NE(mkdtemp(dir_template), nullptr);
	scratch files;
	files.dir = dir_template;
	files.paths[0] = files.dir + "/a.so";
	files.paths[1] = files.dir + "/b.so";

	loaded(&copies)[2] = files.copies;
	for (int i = 0; i < 2; ++i) {
		ASSERT_TRUE(copy_file(lib, files.paths[i])) << lib << " -> " << files.paths[i];
		copies[i].handle = dlopen(files.paths[i].c_str(), RTLD_NOW | RTLD_LOCAL);
		ASSERT_NE(copies[i].handle, nullptr) << dlerror();
		copies[i].source_from_fd = reinterpret_cast<source_from_fd_fn>(
		    dlsym(copies[i].handle, "pmem2_source_from_fd"));
		copies[i].errormsg =
		    reinterpret_cast<errormsg_fn>(dlsym(copies[i].handle, "pmem2_errormsg"));
		ASSERT_NE(copies[i].source_from_fd, nullptr);
		ASSERT_NE(copies[i].errormsg, nullptr);
	}
	EXPECT_NE(copies[0].handle, copies[1].handle);

	/* A failure in the first copy sets its message only. */
	struct pmem2_source *src = nullptr;
	EXPECT_EQ(copies[0].source_from_fd(&src, -1), PMEM2_E_INVALID_FILE_HANDLE);
	EXPECT_STRNE(copies[0].errormsg(), "");
	EXPECT_STREQ(copies[1].errormsg(), "");

	for (loaded &c : copies) {
		EXPECT_EQ(dlclose(c.handle), 0);
		c.handle = nullptr;
	}
}
