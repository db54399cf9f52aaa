/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/fuzz/fuzz_input.hpp -- a reader over a fuzzer's input bytes.
 *
 * What: Input hands out integers taken from the front of the buffer; once
 * the bytes run out every read returns 0, so any input (including an empty
 * one) is a valid, finite program for the fuzzers. Oracle failures call
 * fuzz_fail(), which prints the reason and aborts, so libFuzzer records the
 * input as a crash.
 * Lifetime: an Input borrows the buffer for one LLVMFuzzerTestOneInput call.
 * Thread safety: none; one Input per thread.
 */
#ifndef MASYNC_TESTS_FUZZ_INPUT_HPP
#define MASYNC_TESTS_FUZZ_INPUT_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace fuzz
{

[[noreturn]] inline void fail(const char *what, long a = 0, long b = 0)
{
	std::fprintf(stderr, "fuzz oracle failed: %s (%ld, %ld)\n", what, a, b);
	std::abort();
}

class Input
{
      public:
	Input(const std::uint8_t *data, std::size_t size) : p_(data), end_(data + size) {}

	bool empty() const { return p_ == end_; }

	std::uint8_t u8() { return p_ == end_ ? 0 : *p_++; }

	std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }

	std::uint32_t u32()
	{
		std::uint32_t v = u16();
		return v | (static_cast<std::uint32_t>(u16()) << 16);
	}

	std::uint64_t u64()
	{
		std::uint64_t v = u32();
		return v | (static_cast<std::uint64_t>(u32()) << 32);
	}

	/* A size: mostly small, sometimes at a boundary, sometimes anything. */
	std::size_t size(std::size_t small_max)
	{
		switch (u8() & 7) {
		case 0:
			return 0;
		case 1:
			return u8();
		case 2:
			return u16() % (small_max + 1);
		case 3:
			return 4096u * (u8() % 17);
		case 4:
			return (4096u * (u8() % 17)) + (u8() & 0x3f) - 32u;
		case 5:
			return SIZE_MAX - u8();
		case 6:
			return u64();
		default:
			return u32() % (small_max + 1);
		}
	}

      private:
	const std::uint8_t *p_;
	const std::uint8_t *end_;
};

} // namespace fuzz

#endif
