/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2_errormsg and pmem2_perror: the message is per thread, set by every
 * failing call, emptied by every call that succeeds (never stale), and
 * printed by pmem2_perror after the caller's text.
 */
#include "pmem2_test.hpp"

#include "pmem2/errormsg.hpp"

#include <cstdio>
#include <thread>

using namespace pmem2_test;

TEST(errormsg, never_null_and_empty_at_start)
{
	std::thread t([] {
		const char *m = pmem2_errormsg();
		ASSERT_NE(m, nullptr);
		EXPECT_STREQ(m, "");
	});
	t.join();
}

TEST(errormsg, set_by_failure_cleared_by_success)
{
	config_ptr cfg;
	EXPECT_EQ(pmem2_config_set_sharing(cfg, static_cast<pmem2_sharing_type>(9)),
	          PMEM2_E_INVALID_SHARING_VALUE);
	std::string first = pmem2_errormsg();
	EXPECT_NE(first.find('9'), std::string::npos) << first;

	/* the next failure replaces it: no trace of the old one */
	EXPECT_EQ(pmem2_config_set_offset(cfg, SIZE_MAX), PMEM2_E_OFFSET_OUT_OF_RANGE);
	std::string second = pmem2_errormsg();
	EXPECT_NE(second, first);
	EXPECT_NE(second.find("INT64_MAX"), std::string::npos) << second;

	/* a success leaves no stale message */
	EXPECT_EQ(pmem2_config_set_offset(cfg, 0), 0);
	EXPECT_STREQ(pmem2_errormsg(), "");
}

/* Cleaning up after a failure does not erase its description. */
TEST(errormsg, kept_by_calls_that_cannot_fail)
{
	pmem2_source *src = nullptr;
	ASSERT_EQ(pmem2_source_from_anon(&src, 4096), 0);
	pmem2_config *cfg = nullptr;
	ASSERT_EQ(pmem2_config_new(&cfg), 0);
	pmem2_map *map = nullptr;
	EXPECT_EQ(pmem2_map_new(&map, cfg, src), PMEM2_E_GRANULARITY_NOT_SET);
	std::string msg = pmem2_errormsg();
	ASSERT_FALSE(msg.empty());
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	EXPECT_EQ(msg, pmem2_errormsg());
}

TEST(errormsg, per_thread)
{
	config_ptr cfg;
	EXPECT_EQ(pmem2_config_set_sharing(cfg, static_cast<pmem2_sharing_type>(9)),
	          PMEM2_E_INVALID_SHARING_VALUE);
	std::string mine = pmem2_errormsg();
	std::string theirs;
	std::thread t([&] {
		EXPECT_STREQ(pmem2_errormsg(), "");
		config_ptr c2;
		EXPECT_EQ(pmem2_config_set_protection(c2, 1), PMEM2_E_INVALID_PROT_FLAG);
		theirs = pmem2_errormsg();
	});
	t.join();
	EXPECT_EQ(mine, pmem2_errormsg()) << "another thread's failure changed this thread's";
	EXPECT_NE(theirs, mine);
	EXPECT_FALSE(theirs.empty());
}

TEST(errormsg, errno_text_is_appended)
{
	masync::pmem2::err_clear();
	EXPECT_EQ(masync::pmem2::fail_errno(ENOENT, "opening %s", "x"), -ENOENT);
	std::string m = pmem2_errormsg();
	EXPECT_EQ(m, std::string("opening x: ") + std::strerror(ENOENT));
}

TEST(errormsg, long_messages_are_truncated_safely)
{
	std::string big(5000, 'a');
	masync::pmem2::fail(-1, "%s", big.c_str());
	EXPECT_EQ(std::strlen(pmem2_errormsg()), masync::pmem2::errormsg_capacity - 1);
}

TEST(perror, prints_text_then_message)
{
	config_ptr cfg;
	EXPECT_EQ(pmem2_config_set_protection(cfg, 1), PMEM2_E_INVALID_PROT_FLAG);
	std::string msg = pmem2_errormsg();
	testing::internal::CaptureStderr();
	pmem2_perror("step %d", 3);
	std::string out = testing::internal::GetCapturedStderr();
	EXPECT_EQ(out, "step 3: " + msg + "\n");
}
