/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/compose.hpp -- composing futures without heap allocation.
 *
 * What it is
 *   when_all(f1, f2, ...) takes a fixed number of masync futures and returns
 *   one future that completes when all of them have; each poll polls every
 *   unfinished one, so they are all in flight together. Its result is a
 *   std::tuple of their results (std::monostate for void); it fails with the
 *   first failure in argument order.
 *
 *   then(f, fn) returns a future that completes f, then calls fn with f's
 *   result (no argument when f's result is void). When fn returns a value,
 *   that is the result. When fn returns a masync future, that future is run
 *   next and its result is the result (sequencing, like a C chain with a
 *   lazily initialized entry). A failure of f skips fn; an exception thrown
 *   by fn is kept and rethrown by result() (result(std::error_code &) reports
 *   a std::system_error's code, otherwise errc::no_result).
 *
 *   Both return masync::future<C, P> whose C future is a composite built like
 *   the FUTURE macro's (`struct future base`, `data`, `output`), holding the
 *   given futures and the callable by value: no allocation, and the result is
 *   itself pollable, waitable on a runtime, awaitable, and composable.
 *
 * Notifiers
 *   Each child keeps its own notifier across polls; the waker of the poller
 *   is passed to all of them. The composite tells its poller: WAKER when every
 *   unfinished child uses a waker, POLLER when the only unfinished child that
 *   does not is a single POLLER one (its word), NONE otherwise (the poller then
 *   polls again with a back-off). It has FUTURE_PROPERTY_ASYNC when an
 *   unfinished child has it.
 *
 * Lifetime, thread safety, memory ordering
 *   Those of masync::future: move-only, one thread at a time, destroying an
 *   unfinished composite finishes its children. fn runs on the polling
 *   thread, during the poll that sees f complete. Callables must not be
 *   copied while polled (they are moved only with the future).
 */
#ifndef MASYNC_COMPOSE_HPP
#define MASYNC_COMPOSE_HPP

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include <libminiasync/future.h>

#include "error.hpp"
#include "future.hpp"

namespace masync
{

namespace detail
{

/* A composite C future: the FUTURE macro's shape with C++ members. */
template <class Data, class Output> struct composite {
	struct ::future base;
	Data data;
	Output output;
};

struct empty_output {
	std::uint64_t unused = 0;
};

template <class C> C *composite_of(struct future_context *ctx) noexcept
{
	static_assert(alignof(C) <= alignof(struct ::future),
	              "composite data must follow the future header without padding");
	char *base = reinterpret_cast<char *>(ctx) - offsetof(struct ::future, context);
	return reinterpret_cast<C *>(base);
}

/* Fills the header of a composite (FUTURE_INIT_EXT with the real sizes). */
template <class C> void init_composite(C &c, future_task_fn task, future_has_property_fn prop)
{
	char *self = reinterpret_cast<char *>(&c);
	char *data = reinterpret_cast<char *>(&c.data);
	char *output = reinterpret_cast<char *>(&c.output);
	c.base.task = task;
	c.base.has_property = prop;
	c.base.context.state = FUTURE_STATE_IDLE;
	c.base.context.data_size = static_cast<std::size_t>(output - data);
	c.base.context.output_size = sizeof(C) - static_cast<std::size_t>(output - self);
	c.base.context.padding = 0;
}

/* Accumulates the notifier kinds of a parent's unfinished children. */
struct notifier_summary {
	unsigned none = 0, waker = 0, poller = 0;
	std::uint64_t *word = nullptr;

	void add(const struct ::future_notifier &n) noexcept
	{
		switch (n.notifier_used) {
		case FUTURE_NOTIFIER_WAKER:
			++waker;
			break;
		case FUTURE_NOTIFIER_POLLER:
			++poller;
			word = n.poller.ptr_to_monitor;
			break;
		default:
			++none;
			break;
		}
	}

	void report(struct ::future_notifier *parent) const noexcept
	{
		if (parent == nullptr)
			return;
		if (none == 0 && poller == 0) {
			parent->notifier_used = FUTURE_NOTIFIER_WAKER;
		} else if (none == 0 && poller == 1 && waker == 0) {
			parent->notifier_used = FUTURE_NOTIFIER_POLLER;
			parent->poller.ptr_to_monitor = word;
		} else {
			parent->notifier_used = FUTURE_NOTIFIER_NONE;
		}
	}
};

template <class T> using nonvoid_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

/* f.result() as a value, std::monostate for void. */
template <class F> nonvoid_t<typename F::result_type> result_value(F &f)
{
	if constexpr (std::is_void_v<typename F::result_type>) {
		f.result();
		return {};
	} else {
		return f.result();
	}
}

/* Rethrows the exception a completed future's policy keeps, if any. */
template <class F> void policy_rethrow(F &f)
{
	using P = typename F::result_policy_type;
	if constexpr (requires { P::rethrow(f.c_future()); })
		P::rethrow(f.c_future());
}

/* ---- when_all ---- */

template <class... F> struct when_all_data {
	std::tuple<F...> futs;
	struct ::future_notifier notes[sizeof...(F)];
};

template <class... F> using when_all_c = composite<when_all_data<F...>, empty_output>;

template <class... F> struct when_all_result {
	using C = when_all_c<F...>;
	using type = std::tuple<nonvoid_t<typename F::result_type>...>;

	static std::error_code error(const C &c) noexcept
	{
		std::error_code ec;
		std::apply([&](const auto &...f) { ((ec ? void() : void(ec = f.error())), ...); },
		           c.data.futs);
		return ec;
	}
	static void rethrow(C &c)
	{
		std::apply([](auto &...f) { (policy_rethrow(f), ...); }, c.data.futs);
	}
	static type value(C &c)
	{
		return std::apply([](auto &...f) { return type{result_value(f)...}; }, c.data.futs);
	}
};

template <class... F>
enum future_state when_all_task(struct future_context *ctx, struct ::future_notifier *n) noexcept
{
	auto *c = composite_of<when_all_c<F...>>(ctx);
	notifier_summary sum;
	bool all = true;
	std::size_t i = 0;
	std::apply(
	    [&](auto &...f) {
		    ((f.ready() ? void(++i)
		                : [&] {
				          auto &note = c->data.notes[i++];
				          if (poll_with(f.runnable(), note, n) != FUTURE_STATE_COMPLETE) {
					          all = false;
					          sum.add(note);
				          }
			          }()),
		     ...);
	    },
	    c->data.futs);
	if (all)
		return FUTURE_STATE_COMPLETE;
	sum.report(n);
	return FUTURE_STATE_RUNNING;
}

template <class... F> int when_all_property(void *fut, enum future_property p) noexcept
{
	auto *c = reinterpret_cast<when_all_c<F...> *>(fut);
	bool any = false;
	std::apply(
	    [&](auto &...f) {
		    ((any = any || (!f.ready() && future_has_property(f.runnable(), p))), ...);
	    },
	    c->data.futs);
	return any ? 1 : 0;
}

/* ---- then ---- */

template <class S> struct second_result {
	using type = typename S::result_type;
};

template <class F, class Fn> struct then_traits {
	using first_result = typename F::result_type;
	using fn_result =
	    typename std::conditional_t<std::is_void_v<first_result>, std::invoke_result<Fn>,
	                                std::invoke_result<Fn, first_result>>::type;
	static constexpr bool sequencing = masync_future<fn_result>;
	using second = std::conditional_t<sequencing, fn_result, std::monostate>;
	using value = std::conditional_t<sequencing, std::monostate, nonvoid_t<fn_result>>;
	/* the composite's result type */
	using type = typename std::conditional_t<sequencing, second_result<fn_result>,
	                                         std::type_identity<fn_result>>::type;
};

template <class F, class Fn> struct then_data {
	using traits = then_traits<F, Fn>;
	F first;
	Fn fn;
	struct ::future_notifier note;
	std::optional<typename traits::second> second;
};

template <class F, class Fn> struct then_output {
	using traits = then_traits<F, Fn>;
	std::optional<typename traits::value> value;
	std::error_code ec;
	std::exception_ptr eptr;
};

template <class F, class Fn> using then_c = composite<then_data<F, Fn>, then_output<F, Fn>>;

template <class F, class Fn> struct then_result {
	using C = then_c<F, Fn>;
	using traits = then_traits<F, Fn>;
	using type = typename traits::type;

	static std::error_code error(const C &c) noexcept
	{
		if (c.output.ec)
			return c.output.ec;
		if constexpr (traits::sequencing)
			return c.data.second ? c.data.second->error()
			                     : make_error_code(errc::no_result);
		else
			return {};
	}
	static void rethrow(C &c)
	{
		if (c.output.eptr)
			std::rethrow_exception(c.output.eptr);
		if constexpr (traits::sequencing)
			if (c.data.second)
				policy_rethrow(*c.data.second);
	}
	static type value(C &c)
	{
		if constexpr (traits::sequencing) {
			return c.data.second->result();
		} else if constexpr (std::is_void_v<type>) {
			return;
		} else {
			return std::move(*c.output.value);
		}
	}
};

/* Calls fn with f's result; stores the value or the next future. */
template <class F, class Fn> void then_continue(then_c<F, Fn> *c)
{
	using traits = then_traits<F, Fn>;
	auto call = [&]() -> decltype(auto) {
		if constexpr (std::is_void_v<typename traits::first_result>) {
			c->data.first.result();
			return std::invoke(c->data.fn);
		} else {
			return std::invoke(c->data.fn, c->data.first.result());
		}
	};
	if constexpr (traits::sequencing) {
		c->data.second.emplace(call());
	} else if constexpr (std::is_void_v<typename traits::fn_result>) {
		call();
		c->output.value.emplace();
	} else {
		c->output.value.emplace(call());
	}
}

template <class F, class Fn>
enum future_state then_task(struct future_context *ctx, struct ::future_notifier *n) noexcept
{
	using traits = then_traits<F, Fn>;
	auto *c = composite_of<then_c<F, Fn>>(ctx);
	auto &d = c->data;
	if (!traits::sequencing || !d.second) {
		if (!d.first.ready() &&
		    poll_with(d.first.runnable(), d.note, n) != FUTURE_STATE_COMPLETE) {
			notifier_summary sum;
			sum.add(d.note);
			sum.report(n);
			return FUTURE_STATE_RUNNING;
		}
		/* first has completed: run the continuation, once */
		if (std::error_code ec = d.first.error()) {
			c->output.ec = ec;
			return FUTURE_STATE_COMPLETE;
		}
		try {
			then_continue<F, Fn>(c);
		} catch (const std::system_error &e) {
			c->output.ec = e.code();
			c->output.eptr = std::current_exception();
			return FUTURE_STATE_COMPLETE;
		} catch (...) {
			c->output.ec = make_error_code(errc::no_result);
			c->output.eptr = std::current_exception();
			return FUTURE_STATE_COMPLETE;
		}
		if constexpr (!traits::sequencing)
			return FUTURE_STATE_COMPLETE;
		d.note = make_notifier();
	}
	if constexpr (traits::sequencing) {
		if (poll_with(d.second->runnable(), d.note, n) == FUTURE_STATE_COMPLETE)
			return FUTURE_STATE_COMPLETE;
		notifier_summary sum;
		sum.add(d.note);
		sum.report(n);
		return FUTURE_STATE_RUNNING;
	}
	return FUTURE_STATE_COMPLETE;
}

template <class F, class Fn> int then_property(void *fut, enum future_property p) noexcept
{
	auto *c = reinterpret_cast<then_c<F, Fn> *>(fut);
	if (!c->data.first.ready())
		return future_has_property(c->data.first.runnable(), p) ? 1 : 0;
	if constexpr (then_traits<F, Fn>::sequencing)
		if (c->data.second && !c->data.second->ready())
			return future_has_property(c->data.second->runnable(), p) ? 1 : 0;
	return 0;
}

} // namespace detail

/* The future returned by when_all(F...). */
template <class... F>
using when_all_future = future<detail::when_all_c<F...>, detail::when_all_result<F...>>;

/* The future returned by then(F, Fn). */
template <class F, class Fn>
using then_future = future<detail::then_c<F, Fn>, detail::then_result<F, Fn>>;

/* One future that completes when all of fs have (see the contract above). */
template <class... F>
requires(sizeof...(F) >= 1 && (masync_future<F> && ...) &&
         (!std::is_reference_v<F> && ...)) when_all_future<F...> when_all(F &&...fs)
{
	detail::when_all_c<F...> c{{}, {std::tuple<F...>(std::move(fs)...), {}}, {}};
	for (auto &n : c.data.notes)
		n = make_notifier();
	detail::init_composite(c, &detail::when_all_task<F...>, &detail::when_all_property<F...>);
	return when_all_future<F...>(std::move(c));
}

/* A future that completes f, then applies fn to its result (see the contract above). */
template <class F, class Fn>
requires masync_future<F> &&
    (!std::is_reference_v<F>)then_future<F, std::decay_t<Fn>> then(F &&f, Fn &&fn)
{
	using D = std::decay_t<Fn>;
	detail::then_c<F, D> c{{}, {std::move(f), std::forward<Fn>(fn), make_notifier(), {}}, {}};
	detail::init_composite(c, &detail::then_task<F, D>, &detail::then_property<F, D>);
	return then_future<F, D>(std::move(c));
}

} // namespace masync

#endif /* MASYNC_COMPOSE_HPP */
