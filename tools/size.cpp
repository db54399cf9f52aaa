/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "size.hpp"
#include "tool.hpp"

#include <cctype>
#include <limits>

namespace masync::tool
{
namespace
{

std::string lower(std::string s)
{
	for (char &c : s)
		c = char(std::tolower(static_cast<unsigned char>(c)));
	return s;
}

/* log2 of the unit's factor, or -1. */
int unit_shift(const std::string &unit)
{
	std::string u = lower(unit);
	if (u.empty() || u == "b")
		return 0;
	static const char letters[] = "kmgtpe";
	for (int i = 0; letters[i] != '\0'; ++i) {
		std::string l(1, letters[i]);
		if (u == l || u == l + "b" || u == l + "i" || u == l + "ib")
			return 10 * (i + 1);
	}
	return -1;
}

/* Parses digits; nullopt and *why on junk or overflow of 63 bits. */
std::optional<std::uint64_t> parse_whole(const std::string &text, const char *what,
                                         std::size_t &end, std::string &why)
{
	std::size_t i = 0;
	while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
		++i;
	if (i < text.size() && text[i] == '-') {
		why = std::string(what) + " must be positive, not '" + text + "'";
		return std::nullopt;
	}
	if (i < text.size() && text[i] == '+')
		++i;
	if (i == text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) {
		why = "'" + text + "' is not a " + what;
		return std::nullopt;
	}
	constexpr std::uint64_t limit = std::uint64_t(std::numeric_limits<std::int64_t>::max());
	std::uint64_t v = 0;
	for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
		unsigned d = unsigned(text[i] - '0');
		if (v > (limit - d) / 10) {
			why = std::string(what) + " too large: '" + text + "'";
			return std::nullopt;
		}
		v = v * 10 + d;
	}
	end = i;
	return v;
}

std::string bytes_text(std::uint64_t v)
{
	return human_bytes(double(v));
}

} // namespace

std::optional<std::uint64_t> parse_size(const std::string &text, std::uint64_t min,
                                        std::uint64_t max, std::string &why)
{
	std::size_t end = 0;
	auto v = parse_whole(text, "size", end, why);
	if (!v)
		return std::nullopt;
	std::string unit = text.substr(end);
	while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.back())))
		unit.pop_back();
	while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.front())))
		unit.erase(0, 1);
	int shift = unit_shift(unit);
	if (shift < 0) {
		why =
		    "'" + text + "' is not a size (a number with an optional unit: B, K, M, G, T)";
		return std::nullopt;
	}
	constexpr std::uint64_t limit = std::uint64_t(std::numeric_limits<std::int64_t>::max());
	if (shift > 0 && *v > (limit >> shift)) {
		why = "size too large: '" + text + "'";
		return std::nullopt;
	}
	std::uint64_t bytes = *v << shift;
	if (bytes == 0 && min > 0) {
		why = "size must be positive, not '" + text + "'";
		return std::nullopt;
	}
	if (bytes < min) {
		why = "size too small: '" + text + "' (at least " + bytes_text(min) + ")";
		return std::nullopt;
	}
	if (bytes > max) {
		why = "size too large: '" + text + "' (at most " + bytes_text(max) + ")";
		return std::nullopt;
	}
	return bytes;
}

CLI::Option *size_option(CLI::Option *opt, std::uint64_t min, std::uint64_t max)
{
	CLI::Validator v(
	    [min, max](std::string &s) -> std::string {
		    std::string why;
		    auto b = parse_size(s, min, max, why);
		    if (!b)
			    return why;
		    s = std::to_string(*b);
		    return {};
	    },
	    "", "SIZE");
	return opt->type_name("SIZE")->transform(v);
}

CLI::Option *count_option(CLI::Option *opt, std::uint64_t min, std::uint64_t max)
{
	CLI::Validator v(
	    [min, max](std::string &s) -> std::string {
		    std::string why;
		    std::size_t end = 0;
		    auto n = parse_whole(s, "number", end, why);
		    if (!n)
			    return why;
		    if (end != s.size())
			    return "'" + s + "' is not a whole number";
		    if (*n < min || *n > max)
			    return "'" + s + "' is out of range: from " + std::to_string(min) +
			           " to " + std::to_string(max);
		    s = std::to_string(*n);
		    return {};
	    },
	    "", "COUNT");
	return opt->type_name("N")->transform(v);
}

} // namespace masync::tool
