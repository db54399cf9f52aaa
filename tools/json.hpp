/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/json.hpp -- the JSON value of the tool's --json outputs:
 * nlohmann::ordered_json (Debian nlohmann-json3-dev), whose objects keep
 * their keys in insertion order so that the output reads like the table it
 * mirrors. A non-finite number prints as null. Printed with dump_json().
 * Not thread-safe; a value owns its children.
 */
#ifndef MASYNC_TOOLS_JSON_HPP
#define MASYNC_TOOLS_JSON_HPP

#include <nlohmann/json.hpp>

#include <string>

namespace masync::tool
{

using json = nlohmann::ordered_json;

/* j as text, two spaces of indentation; invalid UTF-8 is replaced, never thrown. */
inline std::string dump_json(const json &j)
{
	return j.dump(2, ' ', false, json::error_handler_t::replace);
}

} // namespace masync::tool

#endif
