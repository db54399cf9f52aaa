/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/kernels.cpp -- the dispatcher of kernels.hpp: picks the instruction
 * set, write-back instruction and threshold once, then routes each call to
 * one kernel of mem_isa.hpp's table (a tail call: the kernel fences).
 */

#include "common/kernels.hpp"
#include "common/cpu.hpp"
#include "common/env.hpp"
#include "common/flush.hpp"
#include "common/mem_isa.hpp"
#include "common/test_hook.hpp"

#include <atomic>
#include <cstring>

namespace masync::mem
{
namespace
{

using namespace detail;

enum class isa { generic, sse2, avx, avx512f };

struct config {
	isa_table table{};
	flush_index fi = fi_none;
	choice pub{};
};

isa best_isa()
{
	isa cap = isa::avx512f;
	if (const char *v = env_string("MASYNC_MEM_ISA")) {
		if (std::strcmp(v, "generic") == 0)
			cap = isa::generic;
		else if (std::strcmp(v, "sse2") == 0)
			cap = isa::sse2;
		else if (std::strcmp(v, "avx") == 0)
			cap = isa::avx;
	}
#if defined(__x86_64__)
	const auto &f = cpu();
	if (cap >= isa::avx512f && f.avx512f && !env_is_zero("PMEM_AVX512F"))
		return isa::avx512f;
	if (cap >= isa::avx && f.avx && !env_is_zero("PMEM_AVX"))
		return isa::avx;
	if (cap >= isa::sse2 && f.sse2)
		return isa::sse2;
#endif
	return isa::generic;
}

config make_config()
{
	config c;
	isa i = best_isa();
	switch (i) {
#if defined(__x86_64__)
	case isa::avx512f:
		install_move_avx512f(c.table);
		install_set_avx512f(c.table);
		c.pub.isa = "avx512f";
		break;
	case isa::avx:
		install_move_avx(c.table);
		install_set_avx(c.table);
		c.pub.isa = "avx";
		break;
	case isa::sse2:
		install_move_sse2(c.table);
		install_set_sse2(c.table);
		c.pub.isa = "sse2";
		break;
#endif
	default:
		install_move_generic(c.table);
		install_set_generic(c.table);
		c.pub.isa = "generic";
		break;
	}

	flush_kind k = flush_instruction();
	switch (k) {
	case flush_kind::clwb:
		c.fi = fi_clwb;
		break;
	case flush_kind::clflushopt:
		c.fi = fi_clflushopt;
		break;
	case flush_kind::clflush:
		c.fi = fi_clflush;
		break;
	case flush_kind::none:
		c.fi = fi_none;
		break;
	}
	c.pub.flush = flush_kind_name(k);

	c.pub.movnt = i != isa::generic && !env_is_one("PMEM_NO_MOVNT");
	c.pub.nt_threshold = default_movnt_threshold;
	env_size("PMEM_MOVNT_THRESHOLD", &c.pub.nt_threshold);
	return c;
}

/*
 * The configuration, made once. The hot path is one acquire load of a
 * pointer; the first call goes through the cold cfg_init, so the
 * dispatchers below need no stack frame and tail-call their kernel.
 */
std::atomic<const config *> ready{nullptr};

[[gnu::noinline, gnu::cold]] const config &cfg_init()
{
	static const config c = make_config();
	ready.store(&c, std::memory_order_release);
	return c;
}

[[gnu::always_inline]] inline const config &cfg()
{
	const config *c = ready.load(std::memory_order_acquire);
	return c != nullptr ? *c : cfg_init();
}

/* Which write-back kernel: none, the chosen instruction, or the counting one. */
inline unsigned flush_slot(const config &c, unsigned flags)
{
	if (flags & (noflush | no_line_flush))
		return fi_none;
	if (test_hook::active())
		return fi_counted;
	return c.fi;
}

inline bool use_nt(const config &c, std::size_t n, unsigned flags)
{
	if (!c.pub.movnt || (flags & noflush))
		return false;
	if (flags & (nontemporal | wc))
		return true;
	if (flags & (temporal | wb))
		return false;
	return n >= c.pub.nt_threshold;
}

/* Whether the kernel ends with the store fence. */
inline bool drains(unsigned flags)
{
	return !(flags & (nodrain | noflush));
}

} // namespace

void *move(void *dst, const void *src, std::size_t n, unsigned flags)
{
	if (n == 0 || dst == src)
		return dst;
	const config &c = cfg();
	unsigned slot = flush_slot(c, flags);
	move_fn f = use_nt(c, n, flags) ? c.table.move_nt[slot] : c.table.move_t[slot];
	return f(static_cast<char *>(dst), static_cast<const char *>(src), n, drains(flags));
}

void *copy(void *dst, const void *src, std::size_t n, unsigned flags)
{
	return move(dst, src, n, flags);
}

void *set(void *dst, int ch, std::size_t n, unsigned flags)
{
	if (n == 0)
		return dst;
	const config &c = cfg();
	unsigned slot = flush_slot(c, flags);
	set_fn f = use_nt(c, n, flags) ? c.table.set_nt[slot] : c.table.set_t[slot];
	return f(static_cast<char *>(dst), ch, n, drains(flags));
}

bool stores_nt(std::size_t n, unsigned flags)
{
	return use_nt(cfg(), n, flags);
}

void flush(const void *addr, std::size_t n)
{
	flush_range(addr, n);
}

const choice &chosen()
{
	return cfg().pub;
}

} // namespace masync::mem
