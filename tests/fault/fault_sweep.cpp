/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/fault/fault_sweep.cpp -- failing system and library calls, one at a
 * time, under the library (run with LD_PRELOAD=libmasync_fault.so; see
 * fault_inject.c and docs/testing.md).
 *
 * Each scenario is run again and again with the N-th call of one function
 * failing, N = 1, 2, ... until a run in which the N-th call never came
 * (for futex waits, whose number depends on timing: a fixed range). The
 * scenarios: a pmem2 map of a file and of anonymous memory with async
 * memcpy/memset on the map's default mover; a threads mover created and
 * given a batch of copies. Expected of every run: each failing call
 * returns a negative code with a non-empty pmem2_errormsg() (or NULL and
 * errno for the threads mover, or a failed future: NULL output or a
 * non-success result); nothing aborts or hangs (ctest TIMEOUT and a bound
 * on every poll loop); and whatever reports success really happened: the
 * bytes are in the mapping and, for a file, in the file.
 */
#define PMEM2_USE_MINIASYNC 1
#include <libminiasync.h>
#include <libpmem2.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace
{

using set_fn = int (*)(const char *, long);
using fired_fn = int (*)(void);

set_fn fault_set = nullptr;
fired_fn fault_fired = nullptr;

bool have_injector()
{
	fault_set = reinterpret_cast<set_fn>(dlsym(RTLD_DEFAULT, "masync_fault_set"));
	fault_fired = reinterpret_cast<fired_fn>(dlsym(RTLD_DEFAULT, "masync_fault_fired"));
	return fault_set && fault_fired;
}

/* What one run saw, checked after the injector is disarmed. */
struct Outcome {
	std::string error; /* first oracle violation, empty if none */
	bool fired = false;

	void violation(const std::string &what)
	{
		if (error.empty())
			error = what;
	}
	/* A failed pmem2 call: negative code and a message. */
	void pmem2_failed(int ret, const char *call)
	{
		const char *msg = pmem2_errormsg();
		if (ret >= 0)
			violation(std::string(call) + " returned a non-negative failure");
		if (!msg || !*msg)
			violation(std::string(call) + " failed with an empty errormsg");
	}
};

constexpr std::size_t kFile = 64 * 1024;
constexpr std::size_t kCopy = 8192;
constexpr long kPollBound = 10000000;

template <class Fut> bool poll_bounded(Fut *f)
{
	for (long i = 0; i < kPollBound; ++i)
		if (future_poll(FUTURE_AS_RUNNABLE(f), nullptr) == FUTURE_STATE_COMPLETE)
			return true;
	return false;
}

class TmpFile
{
      public:
	TmpFile()
	{
		char tmpl[] = "/tmp/masync-fault-XXXXXX";
		fd = mkstemp(tmpl);
		path = tmpl;
	}
	~TmpFile()
	{
		if (fd >= 0)
			close(fd);
		unlink(path.c_str());
	}
	int fd = -1;
	std::string path;
};

/*
 * A pmem2 map (of fd, or anonymous when fd < 0), an async memcpy and memset
 * on its default mover, the map deleted; armed for (fn, n) around all of it.
 */
Outcome pmem2_scenario(const char *fn, long n, int fd)
{
	Outcome o;
	std::vector<unsigned char> src(kCopy);
	for (std::size_t i = 0; i < kCopy; ++i)
		src[i] = static_cast<unsigned char>(i * 7 + n);
	if (fd >= 0) {
		std::vector<unsigned char> zero(kFile, 0);
		if (ftruncate(fd, kFile) != 0 ||
		    pwrite(fd, zero.data(), kFile, 0) != (ssize_t)kFile) {
			o.violation("test file setup");
			return o;
		}
	}
	bool copied = false, set = false;
	pmem2_config *cfg = nullptr;
	pmem2_source *s = nullptr;
	pmem2_map *map = nullptr;
	int ret;

	fault_set(fn, n);
	if ((ret = pmem2_config_new(&cfg)) != 0) {
		o.pmem2_failed(ret, "pmem2_config_new");
		goto out;
	}
	if ((ret = pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE)) != 0) {
		o.pmem2_failed(ret, "set_required_store_granularity");
		goto out;
	}
	ret = fd >= 0 ? pmem2_source_from_fd(&s, fd) : pmem2_source_from_anon(&s, kFile);
	if (ret != 0) {
		o.pmem2_failed(ret, "pmem2_source_from_*");
		goto out;
	}
	if ((ret = pmem2_map_new(&map, cfg, s)) != 0) {
		o.pmem2_failed(ret, "pmem2_map_new");
		if (map)
			o.violation("failed pmem2_map_new set the map");
		goto out;
	}
	{
		auto *base = static_cast<unsigned char *>(pmem2_map_get_address(map));
		pmem2_future f = pmem2_memcpy_async(map, base + 4096, src.data(), kCopy, 0);
		if (!poll_bounded(&f)) {
			o.violation("pmem2_memcpy_async never completed");
			goto out;
		}
		copied = FUTURE_OUTPUT(&f)->dest == base + 4096;
		if (!copied && FUTURE_OUTPUT(&f)->dest)
			o.violation("pmem2_memcpy_async returned a wrong dest");
		if (copied && std::memcmp(base + 4096, src.data(), kCopy) != 0)
			o.violation("pmem2_memcpy_async succeeded, bytes not in the map");
		pmem2_future g = pmem2_memset_async(map, base + 32768, 0xa7, kCopy, 0);
		if (!poll_bounded(&g)) {
			o.violation("pmem2_memset_async never completed");
			goto out;
		}
		set = FUTURE_OUTPUT(&g)->dest == base + 32768;
		if (set)
			for (std::size_t i = 0; i < kCopy; ++i)
				if (base[32768 + i] != 0xa7) {
					o.violation(
					    "pmem2_memset_async succeeded, bytes not in the map");
					break;
				}
	}
out:
	if (map && (ret = pmem2_map_delete(&map)) != 0)
		o.pmem2_failed(ret, "pmem2_map_delete");
	o.fired = fault_fired();
	fault_set(nullptr, 0);
	/* a failed delete must leave the map deletable */
	if (map && pmem2_map_delete(&map) != 0)
		o.violation("pmem2_map_delete failed again without a fault");
	if (s)
		pmem2_source_delete(&s);
	if (cfg)
		pmem2_config_delete(&cfg);
	if (fd >= 0) {
		std::vector<unsigned char> back(kCopy);
		if (copied && (pread(fd, back.data(), kCopy, 4096) != (ssize_t)kCopy ||
		               std::memcmp(back.data(), src.data(), kCopy) != 0))
			o.violation("memcpy reported durable, the file does not have it");
		if (set && (pread(fd, back.data(), kCopy, 32768) != (ssize_t)kCopy ||
		            back[0] != 0xa7 || back[kCopy - 1] != 0xa7))
			o.violation("memset reported durable, the file does not have it");
	}
	return o;
}

/* A threads mover, 16 copies waited for together, the mover deleted. */
Outcome threads_scenario(const char *fn, long n)
{
	Outcome o;
	constexpr std::size_t kOps = 16, kLen = 4096;
	static unsigned char src[kOps][kLen], dst[kOps][kLen];
	for (std::size_t k = 0; k < kOps; ++k) {
		std::memset(src[k], static_cast<int>(k + n), kLen);
		std::memset(dst[k], 0, kLen);
	}
	vdm_operation_future futs[kOps];
	future *ptrs[kOps];
	runtime *rt = nullptr;
	fault_set(fn, n);
	errno = 0;
	data_mover_threads *dmt = data_mover_threads_new(2, 8, FUTURE_NOTIFIER_WAKER);
	if (!dmt) {
		if (errno == 0)
			o.violation("data_mover_threads_new failed without errno");
	} else {
		rt = runtime_new();
		vdm *v = data_mover_threads_get_vdm(dmt);
		for (std::size_t k = 0; k < kOps; ++k) {
			futs[k] = vdm_memcpy(v, dst[k], src[k], kLen, 0);
			ptrs[k] = FUTURE_AS_RUNNABLE(&futs[k]);
		}
		if (rt) {
			runtime_wait_multiple(rt, ptrs, kOps);
		} else {
			for (auto &f : futs)
				if (!poll_bounded(&f))
					o.violation("threads mover future never completed");
		}
		for (std::size_t k = 0; k < kOps; ++k) {
			auto *out = FUTURE_OUTPUT(&futs[k]);
			if (FUTURE_STATE(&futs[k]) != FUTURE_STATE_COMPLETE)
				o.violation("future not complete after the wait");
			else if (out->result == VDM_SUCCESS &&
			         (out->output.memcpy.dest != dst[k] ||
			          std::memcmp(dst[k], src[k], kLen) != 0))
				o.violation("copy reported success, bytes not copied");
			else if (out->result != VDM_SUCCESS &&
			         out->result != VDM_ERROR_OUT_OF_MEMORY)
				o.violation("unexpected vdm result");
		}
		runtime_delete(rt);
		data_mover_threads_delete(dmt);
	}
	o.fired = fault_fired();
	fault_set(nullptr, 0);
	return o;
}

/* Sweeps N until a run where the fault did not fire (or up to max for timing-dependent calls). */
template <class Run> void sweep(const char *fn, long max, bool fixed_range, Run run)
{
	long fired = 0;
	for (long n = 1; n <= max; ++n) {
		Outcome o = run(fn, n);
		ASSERT_TRUE(o.error.empty()) << fn << " call " << n << " failing: " << o.error;
		if (o.fired)
			++fired;
		else if (!fixed_range)
			break;
	}
	std::printf("%s: %ld injected failures survived\n", fn, fired);
}

class fault : public ::testing::TestWithParam<const char *>
{
      protected:
	void SetUp() override
	{
		if (!have_injector())
			GTEST_SKIP() << "run with LD_PRELOAD=libmasync_fault.so";
	}
};

bool timing_dependent(const char *fn)
{
	return std::strcmp(fn, "futex") == 0;
}

TEST_P(fault, pmem2_file_map_and_async)
{
	TmpFile f;
	ASSERT_GE(f.fd, 0);
	sweep(GetParam(), timing_dependent(GetParam()) ? 40 : 3000, timing_dependent(GetParam()),
	      [&](const char *fn, long n) { return pmem2_scenario(fn, n, f.fd); });
}

TEST_P(fault, pmem2_anon_map_and_async)
{
	sweep(GetParam(), timing_dependent(GetParam()) ? 40 : 3000, timing_dependent(GetParam()),
	      [&](const char *fn, long n) { return pmem2_scenario(fn, n, -1); });
}

TEST_P(fault, threads_mover_create_and_ops)
{
	sweep(GetParam(), timing_dependent(GetParam()) ? 40 : 3000, timing_dependent(GetParam()),
	      threads_scenario);
}

INSTANTIATE_TEST_SUITE_P(calls, fault,
                         ::testing::Values("mmap", "munmap", "msync", "fallocate", "ftruncate",
                                           "pthread_create", "futex", "malloc"),
                         [](const auto &p) { return std::string(p.param); });

} // namespace
