/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Device identity: pmem2_source_device_id, pmem2_source_device_usc and
 * pmem2_source_numa_node. This machine has no NVDIMM, so file sources get
 * the documented "not supported" answers (and anonymous ones always do);
 * the out-parameters stay untouched.
 */
#include "pmem2_test.hpp"

#include "pmem2/ndctl.hpp"
#include "pmem2/region.hpp"
#include "pmem2/source.hpp"

using namespace pmem2_test;

namespace
{

bool machine_has_nvdimm_regions()
{
	masync::pmem2::ndctl_context ctx;
	if (ctx.error())
		return false;
	struct ndctl_bus *bus;
	ndctl_bus_foreach(ctx.get(), bus)
	{
		struct ndctl_region *region;
		ndctl_region_foreach(bus, region) return true;
	}
	return false;
}

} // namespace

TEST(device, file_not_on_an_nvdimm)
{
	if (machine_has_nvdimm_regions())
		GTEST_SKIP() << "this machine has NVDIMM regions; /dev/shm may still not be on one";
	scratch_file f(16 * KiB);
	source_ptr src;
	make_source(src, f.fd());

	/* libndctl opens fine and finds no region holding the file */
	masync::pmem2::ndctl_context ctx;
	ASSERT_EQ(ctx.error(), 0);
	masync::pmem2::source_location loc;
	EXPECT_EQ(masync::pmem2::locate_source(ctx.get(), *src.p, &loc), 0);
	EXPECT_EQ(loc.region, nullptr);

	size_t len = 12345;
	EXPECT_PMEM2_FAIL(pmem2_source_device_id(src, nullptr, &len), PMEM2_E_NOSUPP);
	EXPECT_EQ(len, 12345u);
	char id[64] = "unchanged";
	len = sizeof(id);
	EXPECT_PMEM2_FAIL(pmem2_source_device_id(src, id, &len), PMEM2_E_NOSUPP);
	EXPECT_STREQ(id, "unchanged");
	EXPECT_EQ(len, sizeof(id));

	uint64_t usc = 777;
	EXPECT_PMEM2_FAIL(pmem2_source_device_usc(src, &usc), PMEM2_E_NOSUPP);
	EXPECT_EQ(usc, 777u);

	int node = 99;
	EXPECT_PMEM2_FAIL(pmem2_source_numa_node(src, &node), PMEM2_E_DAX_REGION_NOT_FOUND);
	EXPECT_EQ(node, 99);
}

TEST(device, anonymous_sources)
{
	source_ptr src;
	ASSERT_EQ(pmem2_source_from_anon(&src, 4 * KiB), 0);
	size_t len = 5;
	uint64_t usc = 5;
	int node = 5;
	EXPECT_PMEM2_FAIL(pmem2_source_device_id(src, nullptr, &len), PMEM2_E_NOSUPP);
	EXPECT_PMEM2_FAIL(pmem2_source_device_usc(src, &usc), PMEM2_E_NOSUPP);
	EXPECT_PMEM2_FAIL(pmem2_source_numa_node(src, &node), PMEM2_E_NOSUPP);
	EXPECT_EQ(len, 5u);
	EXPECT_EQ(usc, 5u);
	EXPECT_EQ(node, 5);
}

TEST(device, null_arguments)
{
	source_ptr src;
	ASSERT_EQ(pmem2_source_from_anon(&src, 4 * KiB), 0);
	size_t len;
	uint64_t usc;
	int node;
	EXPECT_PMEM2_FAIL(pmem2_source_device_id(nullptr, nullptr, &len), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_device_id(src, nullptr, nullptr), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_device_usc(nullptr, &usc), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_device_usc(src, nullptr), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_numa_node(nullptr, &node), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_source_numa_node(src, nullptr), -EINVAL);
}
