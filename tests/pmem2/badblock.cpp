/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Bad blocks: pmem2_badblock_context_new/_delete, pmem2_badblock_next and
 * pmem2_badblock_clear. A file on an ordinary file system has no bad blocks
 * to report, and clearing a range gives it fresh zeroed blocks.
 */
#include "pmem2_test.hpp"

using namespace pmem2_test;

namespace
{

struct ctx_ptr {
	pmem2_badblock_context *p = nullptr;
	~ctx_ptr() { pmem2_badblock_context_delete(&p); }
	pmem2_badblock_context **operator&() { return &p; }
	operator pmem2_badblock_context *() const { return p; }
};

} // namespace

TEST(badblock, file_without_bad_blocks)
{
	scratch_file f(16 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	ctx_ptr ctx;
	EXPECT_PMEM2_OK(pmem2_badblock_context_new(&ctx, src));
	ASSERT_NE(ctx.p, nullptr);
	pmem2_badblock bb{1, 2};
	EXPECT_PMEM2_FAIL(pmem2_badblock_next(ctx, &bb), PMEM2_E_NO_BAD_BLOCK_FOUND);
	EXPECT_PMEM2_FAIL(pmem2_badblock_next(ctx, &bb), PMEM2_E_NO_BAD_BLOCK_FOUND);
}

TEST(badblock, clear_gives_fresh_zeroed_blocks)
{
	scratch_file f(16 * KiB);
	std::string data(16 * KiB, 'd');
	ASSERT_EQ(pwrite(f.fd(), data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
	source_ptr src;
	make_source(src, f.fd());
	ctx_ptr ctx;
	ASSERT_EQ(pmem2_badblock_context_new(&ctx, src), 0);
	pmem2_badblock bb{4 * KiB, 4 * KiB};
	EXPECT_PMEM2_OK(pmem2_badblock_clear(ctx, &bb));
	std::string back(16 * KiB, 0);
	ASSERT_EQ(pread(f.fd(), back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
	EXPECT_EQ(back.substr(0, 4 * KiB), std::string(4 * KiB, 'd'));
	EXPECT_EQ(back.substr(4 * KiB, 4 * KiB), std::string(4 * KiB, '\0'));
	EXPECT_EQ(back.substr(8 * KiB), std::string(8 * KiB, 'd'));
	struct stat st;
	ASSERT_EQ(fstat(f.fd(), &st), 0);
	EXPECT_EQ(st.st_size, 16 * 1024);
}

TEST(badblock, clear_errors)
{
	scratch_file f(16 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	ctx_ptr ctx;
	ASSERT_EQ(pmem2_badblock_context_new(&ctx, src), 0);
	pmem2_badblock bb{static_cast<size_t>(INT64_MAX) + 1, 4096};
	EXPECT_PMEM2_FAIL(pmem2_badblock_clear(ctx, &bb), PMEM2_E_OFFSET_OUT_OF_RANGE);
	bb = {0, static_cast<size_t>(INT64_MAX) + 1};
	EXPECT_PMEM2_FAIL(pmem2_badblock_clear(ctx, &bb), PMEM2_E_LENGTH_OUT_OF_RANGE);
	bb = {0, 0};
	EXPECT_PMEM2_FAIL(pmem2_badblock_clear(ctx, &bb), -EINVAL); /* from fallocate */
	EXPECT_PMEM2_FAIL(pmem2_badblock_clear(ctx, nullptr), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_badblock_clear(nullptr, &bb), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_badblock_next(nullptr, &bb), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_badblock_next(ctx, nullptr), -EINVAL);
}

TEST(badblock, context_errors)
{
	source_ptr anon;
	ASSERT_EQ(pmem2_source_from_anon(&anon, 4 * KiB), 0);
	pmem2_badblock_context *ctx = reinterpret_cast<pmem2_badblock_context *>(&ctx);
	EXPECT_PMEM2_FAIL(pmem2_badblock_context_new(&ctx, anon), PMEM2_E_NOSUPP);
	EXPECT_EQ(ctx, nullptr) << "set to NULL on failure";
	EXPECT_PMEM2_FAIL(pmem2_badblock_context_new(nullptr, anon), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_badblock_context_new(&ctx, nullptr), -EINVAL);
	pmem2_badblock_context_delete(&ctx); /* NULL: nothing happens */
	pmem2_badblock_context_delete(nullptr);
	EXPECT_EQ(ctx, nullptr);
}
