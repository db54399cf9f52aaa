/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Mapping configurations: pmem2_config_new/_delete and every setter, their
 * defaults, their error codes, and that a failed setter changes nothing.
 */
#include "pmem2_test.hpp"

#include "pmem2/config.hpp"

using namespace pmem2_test;

TEST(config, new_has_the_documented_defaults)
{
	pmem2_config *cfg = nullptr;
	EXPECT_PMEM2_OK(pmem2_config_new(&cfg));
	ASSERT_NE(cfg, nullptr);
	EXPECT_EQ(cfg->offset, 0u);
	EXPECT_EQ(cfg->length, 0u);
	EXPECT_EQ(cfg->requested_granularity, masync::pmem2::granularity_not_set);
	EXPECT_EQ(cfg->sharing, PMEM2_SHARED);
	EXPECT_EQ(cfg->protection, PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	EXPECT_EQ(cfg->reserv, nullptr);
	EXPECT_PMEM2_OK(pmem2_config_delete(&cfg));
	EXPECT_EQ(cfg, nullptr);
	EXPECT_PMEM2_OK(pmem2_config_delete(&cfg));
	EXPECT_PMEM2_OK(pmem2_config_delete(nullptr));
	EXPECT_PMEM2_FAIL(pmem2_config_new(nullptr), -EINVAL);
}

TEST(config, offset)
{
	config_ptr cfg;
	EXPECT_PMEM2_OK(pmem2_config_set_offset(cfg, 4096));
	EXPECT_EQ(cfg.p->offset, 4096u);
	EXPECT_PMEM2_OK(pmem2_config_set_offset(cfg, static_cast<size_t>(INT64_MAX)));
	EXPECT_EQ(cfg.p->offset, static_cast<size_t>(INT64_MAX));
	EXPECT_PMEM2_FAIL(pmem2_config_set_offset(cfg, static_cast<size_t>(INT64_MAX) + 1),
	                  PMEM2_E_OFFSET_OUT_OF_RANGE);
	EXPECT_PMEM2_FAIL(pmem2_config_set_offset(cfg, SIZE_MAX), PMEM2_E_OFFSET_OUT_OF_RANGE);
	EXPECT_EQ(cfg.p->offset, static_cast<size_t>(INT64_MAX)) << "a failed setter changed it";
	EXPECT_PMEM2_FAIL(pmem2_config_set_offset(nullptr, 0), -EINVAL);
}

TEST(config, length_accepts_anything)
{
	config_ptr cfg;
	for (size_t len : {size_t{0}, size_t{1}, size_t{4096}, SIZE_MAX}) {
		EXPECT_PMEM2_OK(pmem2_config_set_length(cfg, len));
		EXPECT_EQ(cfg.p->length, len);
	}
	EXPECT_PMEM2_FAIL(pmem2_config_set_length(nullptr, 0), -EINVAL);
}

TEST(config, sharing)
{
	config_ptr cfg;
	EXPECT_PMEM2_OK(pmem2_config_set_sharing(cfg, PMEM2_PRIVATE));
	EXPECT_EQ(cfg.p->sharing, PMEM2_PRIVATE);
	EXPECT_PMEM2_FAIL(pmem2_config_set_sharing(cfg, static_cast<pmem2_sharing_type>(2)),
	                  PMEM2_E_INVALID_SHARING_VALUE);
	EXPECT_PMEM2_FAIL(pmem2_config_set_sharing(cfg, static_cast<pmem2_sharing_type>(-1)),
	                  PMEM2_E_INVALID_SHARING_VALUE);
	EXPECT_EQ(cfg.p->sharing, PMEM2_PRIVATE);
	EXPECT_PMEM2_OK(pmem2_config_set_sharing(cfg, PMEM2_SHARED));
	EXPECT_EQ(cfg.p->sharing, PMEM2_SHARED);
	EXPECT_PMEM2_FAIL(pmem2_config_set_sharing(nullptr, PMEM2_SHARED), -EINVAL);
}

TEST(config, protection)
{
	config_ptr cfg;
	const unsigned valid[] = {PMEM2_PROT_NONE,
	                          PMEM2_PROT_READ,
	                          PMEM2_PROT_WRITE,
	                          PMEM2_PROT_EXEC,
	                          PMEM2_PROT_READ | PMEM2_PROT_WRITE,
	                          PMEM2_PROT_READ | PMEM2_PROT_EXEC,
	                          PMEM2_PROT_READ | PMEM2_PROT_WRITE | PMEM2_PROT_EXEC};
	for (unsigned prot : valid) {
		EXPECT_PMEM2_OK(pmem2_config_set_protection(cfg, prot));
		EXPECT_EQ(cfg.p->protection, prot);
	}
	for (unsigned prot : {1u, 1u << 28, PMEM2_PROT_READ | 2u, ~0u}) {
		EXPECT_PMEM2_FAIL(pmem2_config_set_protection(cfg, prot),
		                  PMEM2_E_INVALID_PROT_FLAG);
		EXPECT_EQ(cfg.p->protection, valid[6]);
	}
	EXPECT_PMEM2_FAIL(pmem2_config_set_protection(nullptr, 0), -EINVAL);
}

TEST(config, required_store_granularity)
{
	config_ptr cfg;
	for (auto g :
	     {PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE, PMEM2_GRANULARITY_PAGE}) {
		EXPECT_PMEM2_OK(pmem2_config_set_required_store_granularity(cfg, g));
		EXPECT_EQ(cfg.p->requested_granularity, g);
	}
	for (int g : {3, -1, 100}) {
		EXPECT_PMEM2_FAIL(pmem2_config_set_required_store_granularity(
		                      cfg, static_cast<pmem2_granularity>(g)),
		                  PMEM2_E_GRANULARITY_NOT_SUPPORTED);
		EXPECT_EQ(cfg.p->requested_granularity, PMEM2_GRANULARITY_PAGE);
	}
	EXPECT_PMEM2_FAIL(
	    pmem2_config_set_required_store_granularity(nullptr, PMEM2_GRANULARITY_PAGE), -EINVAL);
}
