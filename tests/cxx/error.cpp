/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* masync/error.hpp: categories, codes, the exception. */
#include <masync/error.hpp>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

TEST(CxxError, VdmCategory)
{
	std::error_code ec = masync::vdm_errc::out_of_memory;
	EXPECT_EQ(ec.value(), 1);
	EXPECT_EQ(&ec.category(), &masync::vdm_category());
	EXPECT_STREQ(ec.category().name(), "miniasync.vdm");
	EXPECT_NE(ec.message().find("record"), std::string::npos);
	EXPECT_EQ(ec, std::errc::not_enough_memory);
	std::error_code jc = masync::vdm_errc::job_corrupted;
	EXPECT_EQ(jc.value(), 2);
	EXPECT_NE(jc.message(), ec.message());
	EXPECT_NE(masync::vdm_category().message(7).find("7"), std::string::npos);
}

TEST(CxxError, Pmem2Category)
{
	std::error_code range = masync::make_pmem2_error_code(-100006);
	EXPECT_STREQ(range.category().name(), "pmem2");
	EXPECT_EQ(range.value(), -100006);
	EXPECT_NE(range.message().find("mapping"), std::string::npos);
	/* negated errno values map to the generic condition */
	std::error_code inval = masync::make_pmem2_error_code(-EINVAL);
	EXPECT_EQ(inval, std::errc::invalid_argument);
	EXPECT_EQ(inval.message(), std::generic_category().message(EINVAL));
	EXPECT_NE(masync::make_pmem2_error_code(-100037).message().find("output"),
	          std::string::npos);
	EXPECT_NE(masync::make_pmem2_error_code(-100999).message().find("-100999"),
	          std::string::npos);
	EXPECT_FALSE(masync::make_pmem2_error_code(0));
}

TEST(CxxError, MasyncCategoryAndErrno)
{
	std::error_code nr = masync::errc::not_ready;
	EXPECT_STREQ(nr.category().name(), "masync");
	EXPECT_NE(nr.message(), std::error_code(masync::errc::no_future).message());
	std::error_code e = masync::make_errno_error_code(ENOMEM);
	EXPECT_EQ(e, std::errc::not_enough_memory);
}

TEST(CxxError, ExceptionCarriesCodeAndMessage)
{
	try {
		masync::throw_error(masync::vdm_errc::out_of_memory, "memcpy");
		FAIL() << "no throw";
	} catch (const masync::error &e) {
		EXPECT_EQ(e.c_code(), 1);
		EXPECT_EQ(e.code(), masync::vdm_errc::out_of_memory);
		std::string what = e.what();
		EXPECT_NE(what.find("memcpy"), std::string::npos);
		EXPECT_NE(what.find("record"), std::string::npos);
	}
	/* it is a std::system_error */
	EXPECT_THROW(masync::throw_error(masync::make_pmem2_error_code(-100001), "x"),
	             std::system_error);
	masync::error plain(masync::make_errno_error_code(EBUSY));
	EXPECT_EQ(plain.c_code(), EBUSY);
	masync::error with_string(masync::errc::no_result, std::string("ctx"));
	EXPECT_NE(std::string(with_string.what()).find("ctx"), std::string::npos);
}
