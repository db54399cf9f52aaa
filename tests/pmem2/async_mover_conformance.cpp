/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * One set of vdm semantics, checked on every mover (they all run on the
 * operation core, common/vdm_op.hpp): each operation type with each flag
 * combination, zero length, overlapping memmove both ways, an unknown
 * operation type and invalid flags (VDM_ERROR_JOB_CORRUPTED, nothing
 * written, NULL destination), and the output fields.
 *
 * Adding a mover: write a struct with `static constexpr const char *name`,
 * a constructor that makes it, `struct vdm *vdm()` and `char *memory()`
 * (at least mem_size bytes it may write), and add it to `all_movers` below
 * (a mover with `static constexpr bool optional` whose vdm() is NULL is
 * skipped: a DSA queue absent here).
 * That one line runs the whole suite on it.
 */
#include "async_fixture.hpp"

#include "pmem2/map.hpp"

#include <libminiasync-vdm-dml.h>
#include <libminiasync.h>
#include <libminiasync/data_mover_dsa.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

using namespace async_test;

namespace
{

constexpr std::size_t mem_size = 2 << 20; /* two halves above the largest size */

struct sync_mover {
	static constexpr const char *name = "sync";
	sync_mover() : m(data_mover_sync_new()), buf(new char[mem_size]) {}
	~sync_mover() { data_mover_sync_delete(m); }
	struct vdm *vdm() { return data_mover_sync_get_vdm(m); }
	char *memory() { return buf.get(); }
	struct data_mover_sync *m;
	std::unique_ptr<char[]> buf;
};

struct threads_mover {
	static constexpr const char *name = "threads";
	threads_mover()
	    : m(data_mover_threads_new(2, 64, FUTURE_NOTIFIER_NONE)), buf(new char[mem_size])
	{
	}
	~threads_mover() { data_mover_threads_delete(m); }
	struct vdm *vdm() { return data_mover_threads_get_vdm(m); }
	char *memory() { return buf.get(); }
	struct data_mover_threads *m;
	std::unique_ptr<char[]> buf;
};

/*
 * The DSA mover (libminiasync-vdm-dml): SOFTWARE; AUTO without a queue
 * (large operations to the threads mover); AUTO and HARDWARE on the work-
 * queue model (HARDWARE with injected partial completions, MASYNC_DSA_MODEL
 * =faults); HARDWARE on a real queue, skipped when none opens.
 */
template <enum data_mover_dml_type T, const char *Model, std::size_t Threshold>
struct dsa_mover_of {
	dsa_mover_of() : buf(new char[mem_size])
	{
		if constexpr (Model != nullptr)
			setenv("MASYNC_DSA_MODEL", Model, 1);
		m = data_mover_dml_new(T);
		if constexpr (Model != nullptr)
			unsetenv("MASYNC_DSA_MODEL");
		if (m != nullptr)
			data_mover_dsa_set_threshold(m, Threshold);
	}
	~dsa_mover_of() { data_mover_dml_delete(m); }
	struct vdm *vdm() { return data_mover_dml_get_vdm(m); }
	char *memory() { return buf.get(); }
	struct data_mover_dml *m;
	std::unique_ptr<char[]> buf;
};
constexpr char model_clean[] = "1", model_faults[] = "faults";
struct dsa_software : dsa_mover_of<DATA_MOVER_DML_SOFTWARE, nullptr, 0> {
	static constexpr const char *name = "dsa_software";
};
struct dsa_auto : dsa_mover_of<DATA_MOVER_DML_AUTO, nullptr, DATA_MOVER_DSA_DEFAULT_THRESHOLD> {
	static constexpr const char *name = "dsa_auto";
};
struct dsa_auto_model : dsa_mover_of<DATA_MOVER_DML_AUTO, model_clean, 1024> {
	static constexpr const char *name = "dsa_auto_model";
};
struct dsa_hardware_model : dsa_mover_of<DATA_MOVER_DML_HARDWARE, model_faults, 0> {
	static constexpr const char *name = "dsa_hardware_model";
};
struct dsa_hardware_device : dsa_mover_of<DATA_MOVER_DML_HARDWARE, nullptr, 0> {
	static constexpr const char *name = "dsa_hardware_device";
	static constexpr bool optional = true; /* skipped without a usable queue */
};

/* libpmem2's default mover of a CACHE_LINE map; the operations write the map. */
struct pmem2_default_mover {
	static constexpr const char *name = "pmem2_default";
	pmem2_default_mover() : map(mem_size, PMEM2_GRANULARITY_CACHE_LINE, nullptr) {}
	struct vdm *vdm() { return map.map()->vdm; }
	char *memory() { return map.base(); }
	shm_map map;
};

template <typename M> class mover_conformance : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		if constexpr (requires { M::optional; }) {
			if (m.vdm() == nullptr)
				GTEST_SKIP() << "no usable DSA work queue here";
		}
		ASSERT_NE(m.vdm(), nullptr);
		ASSERT_NE(m.memory(), nullptr);
		mem = m.memory();
		std::memset(mem, 0, mem_size);
	}
	/* Polls to completion (threads mover: busy poll, it has no notifier). */
	static void run(struct vdm_operation_future &f)
	{
		while (future_poll(FUTURE_AS_RUNNABLE(&f), nullptr) != FUTURE_STATE_COMPLETE) {
		}
	}
	static void pattern(char *p, std::size_t n, unsigned seed)
	{
		for (std::size_t i = 0; i < n; ++i)
			p[i] = static_cast<char>((i * 131 + seed) & 0xff);
	}
	M m;
	char *mem = nullptr;
};

using all_movers =
    ::testing::Types<sync_mover, threads_mover, pmem2_default_mover, dsa_software, dsa_auto,
                     dsa_auto_model, dsa_hardware_model, dsa_hardware_device>;

struct mover_names {
	template <typename T> static std::string GetName(int) { return T::name; }
};
TYPED_TEST_SUITE(mover_conformance, all_movers, mover_names);

const std::uint64_t all_flags[] = {0, VDM_F_MEM_DURABLE, VDM_F_NO_CACHE_HINT,
                                   VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT};
/* Sizes: below and above the inline, non-temporal and split thresholds, odd ones. */
const std::size_t sizes[] = {0, 1, 63, 64, 1000, 4096, 65537, 600 * 1024};

TYPED_TEST(mover_conformance, memcpy_each_flag_and_size)
{
	char *src = this->mem;
	char *dst = this->mem + mem_size / 2 + 3;
	for (std::uint64_t f : all_flags) {
		for (std::size_t n : sizes) {
			SCOPED_TRACE(::testing::Message()
			             << "flags " << f << ", " << n << " bytes");
			this->pattern(src, n + 1, static_cast<unsigned>(n + f));
			std::memset(dst, 0x11, n + 1);
			auto fut = vdm_memcpy(this->m.vdm(), dst, src, n, f);
			this->run(fut);
			EXPECT_EQ(fut.output.result, VDM_SUCCESS);
			EXPECT_EQ(fut.output.type, VDM_OPERATION_MEMCPY);
			EXPECT_EQ(fut.output.output.memcpy.dest, dst);
			EXPECT_EQ(std::memcmp(dst, src, n), 0);
			EXPECT_EQ(dst[n], 0x11) << "wrote past the end";
		}
	}
}

TYPED_TEST(mover_conformance, memset_each_flag_and_size)
{
	char *dst = this->mem + 5;
	for (std::uint64_t f : all_flags) {
		for (std::size_t n : sizes) {
			SCOPED_TRACE(::testing::Message()
			             << "flags " << f << ", " << n << " bytes");
			std::memset(dst, 0x11, n + 1);
			auto fut = vdm_memset(this->m.vdm(), dst, 0x7e, n, f);
			this->run(fut);
			EXPECT_EQ(fut.output.result, VDM_SUCCESS);
			EXPECT_EQ(fut.output.type, VDM_OPERATION_MEMSET);
			EXPECT_EQ(fut.output.output.memset.str, dst);
			std::vector<char> want(n, 0x7e);
			EXPECT_TRUE(n == 0 || std::memcmp(dst, want.data(), n) == 0);
			EXPECT_EQ(dst[n], 0x11) << "wrote past the end";
		}
	}
}

TYPED_TEST(mover_conformance, overlapping_memmove_both_ways)
{
	for (std::uint64_t f : all_flags) {
		for (std::size_t n :
		     {std::size_t(100), std::size_t(5000), std::size_t(600 * 1024)}) {
			for (long shift : {-37L, 37L, -4096L, 4096L}) {
				SCOPED_TRACE(::testing::Message() << "flags " << f << ", " << n
				                                  << " bytes, shift " << shift);
				char *src = this->mem + 8192;
				char *dst = src + shift;
				this->pattern(src, n, 7);
				std::vector<char> want(src, src + n);
				auto fut = vdm_memmove(this->m.vdm(), dst, src, n, f);
				this->run(fut);
				EXPECT_EQ(fut.output.result, VDM_SUCCESS);
				EXPECT_EQ(fut.output.type, VDM_OPERATION_MEMMOVE);
				EXPECT_EQ(fut.output.output.memmove.dest, dst);
				EXPECT_TRUE(n == 0 || std::memcmp(dst, want.data(), n) == 0);
			}
		}
	}
}

TYPED_TEST(mover_conformance, flush)
{
	for (std::size_t n : {std::size_t(0), std::size_t(64), std::size_t(4096)}) {
		auto fut = vdm_flush(this->m.vdm(), this->mem, n, VDM_F_MEM_DURABLE);
		this->run(fut);
		EXPECT_EQ(fut.output.result, VDM_SUCCESS);
		EXPECT_EQ(fut.output.type, VDM_OPERATION_FLUSH);
	}
}

TYPED_TEST(mover_conformance, advertises_durability)
{
	EXPECT_TRUE(vdm_is_supported(this->m.vdm(), VDM_F_MEM_DURABLE));
}

TYPED_TEST(mover_conformance, unknown_type_is_corrupted_and_runs_nothing)
{
	char *dst = this->mem;
	char src[64];
	std::memset(src, 3, sizeof(src));
	auto fut = vdm_memcpy(this->m.vdm(), dst, src, sizeof(src), 0);
	const int bad = 99;
	std::memcpy(&fut.data.operation.type, &bad, sizeof(bad));
	this->run(fut);
	EXPECT_EQ(fut.output.result, VDM_ERROR_JOB_CORRUPTED);
	int got;
	std::memcpy(&got, &fut.output.type, sizeof(got));
	EXPECT_EQ(got, bad);
	EXPECT_EQ(dst[0], 0);
}

TYPED_TEST(mover_conformance, invalid_flags_are_corrupted_and_run_nothing)
{
	char *dst = this->mem;
	char src[256];
	std::memset(src, 3, sizeof(src));
	for (std::uint64_t f : {std::uint64_t(1) << 2, std::uint64_t(1) << 31,
	                        std::uint64_t(VDM_F_MEM_DURABLE | (1u << 7))}) {
		SCOPED_TRACE(::testing::Message() << "flags " << f);
		auto a = vdm_memcpy(this->m.vdm(), dst, src, sizeof(src), f);
		this->run(a);
		EXPECT_EQ(a.output.result, VDM_ERROR_JOB_CORRUPTED);
		EXPECT_EQ(a.output.type, VDM_OPERATION_MEMCPY);
		EXPECT_EQ(a.output.output.memcpy.dest, nullptr);
		auto b = vdm_memset(this->m.vdm(), dst, 9, sizeof(src), f);
		this->run(b);
		EXPECT_EQ(b.output.result, VDM_ERROR_JOB_CORRUPTED);
		EXPECT_EQ(b.output.output.memset.str, nullptr);
		auto c = vdm_memmove(this->m.vdm(), dst, src, sizeof(src), f);
		this->run(c);
		EXPECT_EQ(c.output.result, VDM_ERROR_JOB_CORRUPTED);
		EXPECT_EQ(c.output.output.memmove.dest, nullptr);
		auto d = vdm_flush(this->m.vdm(), dst, sizeof(src), f);
		this->run(d);
		EXPECT_EQ(d.output.result, VDM_ERROR_JOB_CORRUPTED);
		EXPECT_EQ(dst[0], 0) << "a rejected operation wrote";
	}
}

} // namespace
