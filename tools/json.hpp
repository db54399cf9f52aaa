/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/json.hpp -- a small JSON value for the tool's --json outputs.
 *
 * Objects keep their keys in insertion order so the output reads like the
 * table it mirrors. Numbers are doubles (integers up to 2^53 print exactly);
 * a non-finite number prints as null. Not thread-safe; a value owns its
 * children.
 */
#ifndef MASYNC_TOOLS_JSON_HPP
#define MASYNC_TOOLS_JSON_HPP

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace masync::tool
{

class json
{
      public:
	enum class kind { null, boolean, number, string, array, object };

	json() = default;
	json(bool b) : kind_(kind::boolean), bool_(b) {}
	json(double d) : kind_(kind::number), num_(d) {}
	json(int i) : kind_(kind::number), num_(i) {}
	json(unsigned u) : kind_(kind::number), num_(u) {}
	json(long i) : kind_(kind::number), num_(double(i)) {}
	json(unsigned long u) : kind_(kind::number), num_(double(u)) {}
	json(std::string s) : kind_(kind::string), str_(std::move(s)) {}
	json(const char *s) : kind_(kind::string), str_(s) {}

	static json array()
	{
		json j;
		j.kind_ = kind::array;
		return j;
	}
	static json object()
	{
		json j;
		j.kind_ = kind::object;
		return j;
	}

	/* The member `key` of an object, added (null) if missing. */
	json &operator[](const std::string &key);
	/* Appends to an array. */
	void push(json value);

	/* The value as JSON text, pretty-printed with `indent` spaces (0: one line). */
	std::string dump(int indent = 2) const;

      private:
	void dump_to(std::string &out, int indent, int depth) const;

	kind kind_ = kind::null;
	bool bool_ = false;
	double num_ = 0;
	std::string str_;
	std::vector<std::pair<std::string, json>> members_; /* object */
	std::vector<json> items_;                           /* array */
};

} // namespace masync::tool

#endif
