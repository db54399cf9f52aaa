/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2_memcpy_async / pmem2_memmove_async / pmem2_memset_async on every
 * store granularity (forced on /dev/shm files) and every kind of mover:
 * random operations, sizes, offsets and flags, run in batches through the
 * runtime or FUTURE_BUSY_POLL, checked against a model of the file through
 * the mapping after each batch and with pread() at the end. With the
 * persistence checker built in, every completed future must have left its
 * range durable (zero violations).
 */
#include "async_fixture.hpp"

#include <algorithm>
#include <random>
#include <tuple>

using namespace async_test;

namespace
{

constexpr std::size_t map_size = 8 << 20;
constexpr int batches = 120;

enum class op_kind { memcpy, memmove, memset };

struct planned {
	op_kind kind;
	std::size_t dest; /* offset in the map */
	std::size_t len;
	bool src_in_map; /* memmove from the map itself (may overlap dest) */
	std::size_t src; /* offset in the map or in the host buffer */
	int c;           /* memset value */
	unsigned flags;
};

const unsigned flag_choices[] = {
    0,
    PMEM2_F_MEM_NONTEMPORAL,
    PMEM2_F_MEM_TEMPORAL,
    PMEM2_F_MEM_WC,
    PMEM2_F_MEM_WB,
    PMEM2_F_MEM_NODRAIN,
    PMEM2_F_MEM_NOFLUSH,
    PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN,
    PMEM2_F_MEM_TEMPORAL | PMEM2_F_MEM_NOFLUSH,
};

std::size_t random_len(std::mt19937_64 &rng)
{
	switch (rng() % 8) {
	case 0:
		return rng() % 65; /* tiny, including 0 */
	case 1:
	case 2:
		return 1 + rng() % 512;
	case 3:
	case 4:
		return 1 + rng() % 8192;
	case 5:
	case 6:
		return 1 + rng() % (256 << 10);
	default:
		return (1 << 20) + rng() % 4096;
	}
}

class async_matrix : public ::testing::TestWithParam<std::tuple<pmem2_granularity, mover_kind>>
{
};

TEST_P(async_matrix, random_operations_are_correct_and_durable)
{
	auto [gran, kind] = GetParam();
	masync::persistence_checker::clear_violations();
	mover mv(kind);
	ASSERT_TRUE(kind == mover_kind::map_default || mv.vdm() != nullptr);
	shm_map m(map_size, gran, mv.vdm());
	ASSERT_NE(m.map(), nullptr);
	ASSERT_EQ(pmem2_map_get_store_granularity(m.map()), gran);
	mv.attach(m.map());
	struct runtime *rt = runtime_new();
	ASSERT_NE(rt, nullptr);

	std::mt19937_64 rng(0x5eed + static_cast<unsigned>(gran) * 17 +
	                    static_cast<unsigned>(kind));
	std::vector<char> model(map_size, 0);
	std::vector<char> host(2 << 20);
	for (auto &b : host)
		b = static_cast<char>(rng());
	char *base = m.base();

	for (int batch = 0; batch < batches; ++batch) {
		/* 1-4 operations whose destinations do not overlap each other. */
		std::size_t n = 1 + rng() % 4;
		std::vector<planned> plan;
		std::size_t cursor = rng() % 4096;
		for (std::size_t i = 0; i < n; ++i) {
			planned p{};
			p.kind = static_cast<op_kind>(rng() % 3);
			p.len = random_len(rng);
			if (cursor + p.len > map_size)
				break;
			p.dest = cursor + rng() % std::min<std::size_t>(
			                              map_size - cursor - p.len + 1, 64 << 10);
			cursor = p.dest + p.len + rng() % 512;
			p.flags = flag_choices[rng() % std::size(flag_choices)];
			p.c = static_cast<int>(rng() % 256);
			p.src_in_map = p.kind == op_kind::memmove && n == 1 && rng() % 2;
			if (p.src_in_map) {
				/* Overlapping or not, in either direction. */
				std::size_t lo = p.dest > p.len ? p.dest - p.len : 0;
				std::size_t hi = std::min(p.dest + p.len, map_size - p.len);
				p.src = lo + rng() % (hi - lo + 1);
			} else {
				p.src = rng() % (host.size() - p.len + 1);
			}
			plan.push_back(p);
		}
		if (plan.empty())
			continue;

		std::vector<struct pmem2_future> futs(plan.size());
		for (std::size_t i = 0; i < plan.size(); ++i) {
			const auto &p = plan[i];
			char *dest = base + p.dest;
			const char *src = p.src_in_map ? base + p.src : host.data() + p.src;
			switch (p.kind) {
			case op_kind::memcpy:
				futs[i] = pmem2_memcpy_async(m.map(), dest, src, p.len, p.flags);
				break;
			case op_kind::memmove:
				futs[i] = pmem2_memmove_async(m.map(), dest, src, p.len, p.flags);
				break;
			case op_kind::memset:
				futs[i] = pmem2_memset_async(m.map(), dest, p.c, p.len, p.flags);
				break;
			}
		}
		if (futs.size() > 1 || batch % 3 == 0) {
			std::vector<struct future *> runnable;
			for (auto &f : futs)
				runnable.push_back(FUTURE_AS_RUNNABLE(&f));
			runtime_wait_multiple(rt, runnable.data(), runnable.size());
		} else {
			drive(&futs[0], batch % 3 == 1 ? rt : nullptr);
		}

		for (std::size_t i = 0; i < plan.size(); ++i) {
			const auto &p = plan[i];
			SCOPED_TRACE(::testing::Message()
			             << "batch " << batch << " op " << static_cast<int>(p.kind)
			             << " dest +" << p.dest << " len " << p.len << " flags "
			             << p.flags);
			ASSERT_EQ(FUTURE_STATE(&futs[i]), FUTURE_STATE_COMPLETE);
			EXPECT_EQ(FUTURE_OUTPUT(&futs[i])->dest, base + p.dest);
			EXPECT_EQ(futs[i].data.op.fut.output.result, VDM_SUCCESS);
			switch (p.kind) {
			case op_kind::memcpy:
				std::memcpy(&model[p.dest], &host[p.src], p.len);
				break;
			case op_kind::memmove:
				std::memmove(&model[p.dest],
				             p.src_in_map ? &model[p.src] : &host[p.src], p.len);
				break;
			case op_kind::memset:
				std::memset(&model[p.dest], p.c, p.len);
				break;
			}
			ASSERT_EQ(std::memcmp(base + p.dest, &model[p.dest], p.len), 0);
		}
		if (batch % 16 == 0) {
			ASSERT_EQ(std::memcmp(base, model.data(), map_size), 0);
		}
	}

	ASSERT_EQ(std::memcmp(base, model.data(), map_size), 0);
	auto file = m.pread_range(0, map_size);
	EXPECT_TRUE(file == model) << "the file's contents differ from the model";
	expect_no_violations();
	runtime_delete(rt);
}

std::string param_name(const ::testing::TestParamInfo<async_matrix::ParamType> &info)
{
	return std::string(granularity_env(std::get<0>(info.param))) + "_" +
	       mover_name(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(
    all, async_matrix,
    ::testing::Combine(::testing::Values(PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE,
                                         PMEM2_GRANULARITY_PAGE),
                       ::testing::Values(mover_kind::map_default, mover_kind::sync,
                                         mover_kind::threads, mover_kind::threads_map_fns)),
    param_name);

} // namespace
