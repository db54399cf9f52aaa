/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/size.hpp -- sizes and counts on the command line, checked for people.
 *
 * A size is a whole number with an optional unit: B, K, M, G, T, P or E
 * (powers of 1024; "KiB", "KB", "k" and the like mean the same). parse_size
 * refuses a sign, junk, a value that does not fit in 63 bits, and a value
 * outside [min, max], each with a message that says which ("size must be
 * positive", "size too large: ..."). size_option() and count_option() attach
 * that check to a CLI11 option so that a bad value is a usage error (exit 2)
 * and the help shows SIZE or N instead of the parser's type notation.
 *
 * Pure functions; thread-safe.
 */
#ifndef MASYNC_TOOLS_SIZE_HPP
#define MASYNC_TOOLS_SIZE_HPP

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace masync::tool
{

/* The bytes `text` names, or nullopt and *why. */
std::optional<std::uint64_t> parse_size(const std::string &text, std::uint64_t min,
                                        std::uint64_t max, std::string &why);

/* Checks (and rewrites to plain bytes) the values of a size option. */
CLI::Option *size_option(CLI::Option *opt, std::uint64_t min, std::uint64_t max);

/* Checks the values of a whole-number option against [min, max]. */
CLI::Option *count_option(CLI::Option *opt, std::uint64_t min, std::uint64_t max);

} // namespace masync::tool

#endif
