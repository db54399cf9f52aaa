/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's notifiers: WAKER, POLLER and NONE, each on the normal
 * path and on the back-pressure path (queue full: the future stays IDLE and
 * is notified when a slot frees). Also: completion is published before the
 * waker runs, and the future does not report COMPLETE while a worker is
 * still inside its waker. Workers are held still with a gate so that every
 * step is deterministic; nothing here depends on timing.
 */

#include "threads_common.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace threads_test;

namespace
{

threads_test::gate *held = nullptr;
std::atomic<int> entered{0};

/* The first call blocks on `held` (if set); later calls run straight through. */
void *held_memcpy(void *d, const void *s, std::size_t n, unsigned flags)
{
	(void)flags;
	if (entered.fetch_add(1) == 0 && held != nullptr)
		held->wait();
	return std::memcpy(d, s, n);
}

struct buffers {
	std::vector<char> src = std::vector<char>(4096, 's');
	std::vector<char> dst = std::vector<char>(4096, 0);
};

/* Asserts inside the waker: the data is there and the state is published before the call. */
struct checking_waker {
	std::atomic<int> calls{0};
	std::atomic<bool> data_was_there{false};
	const char *dst = nullptr;
	static void wake(void *p)
	{
		auto *w = static_cast<checking_waker *>(p);
		w->data_was_there.store(w->dst[0] == 's' && w->dst[4095] == 's');
		w->calls.fetch_add(1);
	}
};

} // namespace

TEST(threads_notifier, waker_is_called_after_the_data_is_published)
{
	data_mover_threads *m = data_mover_threads_new(1, 16, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	buffers b;
	checking_waker w;
	w.dst = b.dst.data();
	struct future_notifier n {
	};
	n.waker.data = &w;
	n.waker.wake = checking_waker::wake;
	auto f = vdm_memcpy(data_mover_threads_get_vdm(m), b.dst.data(), b.src.data(), 4096, 0);
	auto s = future_poll(FUTURE_AS_RUNNABLE(&f), &n);
	if (s != FUTURE_STATE_COMPLETE) {
		EXPECT_EQ(n.notifier_used, FUTURE_NOTIFIER_WAKER);
		wait_until([&] { return w.calls.load() > 0; });
		EXPECT_TRUE(w.data_was_there.load());
		/* Woken: the very next poll completes it. */
		EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), &n), FUTURE_STATE_COMPLETE);
	}
	EXPECT_EQ(w.calls.load(), 1);
	EXPECT_EQ(b.dst, b.src);
	data_mover_threads_delete(m);
}

TEST(threads_notifier, poller_word_is_set_when_complete)
{
	data_mover_threads *m = data_mover_threads_new(1, 16, FUTURE_NOTIFIER_POLLER);
	ASSERT_NE(m, nullptr);
	buffers b;
	counting_waker w;
	auto n = w.notifier();
	auto f = vdm_memcpy(data_mover_threads_get_vdm(m), b.dst.data(), b.src.data(), 4096, 0);
	auto s = future_poll(FUTURE_AS_RUNNABLE(&f), &n);
	if (s != FUTURE_STATE_COMPLETE) {
		ASSERT_EQ(n.notifier_used, FUTURE_NOTIFIER_POLLER);
		ASSERT_NE(n.poller.ptr_to_monitor, nullptr);
		wait_until([&] {
			return __atomic_load_n(n.poller.ptr_to_monitor, __ATOMIC_ACQUIRE) != 0;
		});
		EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), &n), FUTURE_STATE_COMPLETE);
	}
	EXPECT_EQ(w.calls.load(), 0); /* a POLLER mover never calls the waker */
	EXPECT_EQ(b.dst, b.src);
	data_mover_threads_delete(m);
}

TEST(threads_notifier, none_uses_no_notifier)
{
	data_mover_threads *m = data_mover_threads_new(1, 16, FUTURE_NOTIFIER_NONE);
	ASSERT_NE(m, nullptr);
	buffers b;
	counting_waker w;
	auto n = w.notifier();
	n.notifier_used = FUTURE_NOTIFIER_WAKER; /* the future must overwrite it */
	auto f = vdm_memcpy(data_mover_threads_get_vdm(m), b.dst.data(), b.src.data(), 4096, 0);
	future_poll(FUTURE_AS_RUNNABLE(&f), &n);
	EXPECT_EQ(n.notifier_used, FUTURE_NOTIFIER_NONE);
	poll_until_complete(&f, &n);
	EXPECT_EQ(w.calls.load(), 0);
	EXPECT_EQ(b.dst, b.src);
	data_mover_threads_delete(m);
}

/* A NULL notifier (FUTURE_BUSY_POLL) is fine whatever the mover's notifier type. */
TEST(threads_notifier, null_notifier_works_for_every_type)
{
	for (auto type : {FUTURE_NOTIFIER_NONE, FUTURE_NOTIFIER_WAKER, FUTURE_NOTIFIER_POLLER}) {
		data_mover_threads *m = data_mover_threads_new(1, 16, type);
		ASSERT_NE(m, nullptr);
		buffers b;
		auto f =
		    vdm_memcpy(data_mover_threads_get_vdm(m), b.dst.data(), b.src.data(), 4096, 0);
		FUTURE_BUSY_POLL(&f);
		EXPECT_EQ(b.dst, b.src);
		data_mover_threads_delete(m);
	}
}

/*
 * While the worker is inside the waker, the future must not report COMPLETE
 * (the waker's memory could be gone once the poller returns).
 */
namespace
{
struct blocking_waker {
	std::atomic<bool> inside{false};
	std::atomic<bool> returned{false};
	threads_test::gate release;
	static void wake(void *p)
	{
		auto *w = static_cast<blocking_waker *>(p);
		w->inside.store(true);
		w->release.wait();
		w->returned.store(true);
	}
};
} // namespace

TEST(threads_notifier, not_complete_until_the_waker_returned)
{
	data_mover_threads *m = data_mover_threads_new(1, 16, FUTURE_NOTIFIER_WAKER);
	ASSERT_NE(m, nullptr);
	buffers b;
	blocking_waker w;
	struct future_notifier n {
	};
	n.waker.data = &w;
	n.waker.wake = blocking_waker::wake;
	auto f = vdm_memcpy(data_mover_threads_get_vdm(m), b.dst.data(), b.src.data(), 4096, 0);
	ASSERT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), &n), FUTURE_STATE_RUNNING);
	wait_until([&] { return w.inside.load(); });
	std::atomic<bool> poller_saw_returned{false};
	std::thread poller([&] {
		while (future_poll(FUTURE_AS_RUNNABLE(&f), &n) != FUTURE_STATE_COMPLETE)
			std::this_thread::yield();
		poller_saw_returned.store(w.returned.load());
	});
	w.release.open();
	poller.join();
	EXPECT_TRUE(poller_saw_returned.load());
	data_mover_threads_delete(m);
}

/* ---- back-pressure ---- */

namespace
{

/*
 * A mover with one worker and a 2-slot queue: the worker is held inside the
 * first operation, two more fill the queue, the fourth cannot start.
 */
struct full_queue {
	threads_test::gate g;
	data_mover_threads *m = nullptr;
	struct vdm *vdm = nullptr;
	std::vector<buffers> bufs = std::vector<buffers>(4);
	std::vector<vdm_operation_future> futs;

	/* n is given to the first three futures, wn to the one that waits for room. */
	void setup(enum future_notifier_type type, struct future_notifier *n,
	           struct future_notifier *wn)
	{
		held = &g;
		entered = 0;
		m = data_mover_threads_new(1, 2, type);
		ASSERT_NE(m, nullptr);
		data_mover_threads_set_memcpy_fn(m, held_memcpy);
		vdm = data_mover_threads_get_vdm(m);
		for (auto &b : bufs)
			futs.push_back(vdm_memcpy(vdm, b.dst.data(), b.src.data(), 4096, 0));
		ASSERT_EQ(future_poll(FUTURE_AS_RUNNABLE(&futs[0]), n), FUTURE_STATE_RUNNING);
		wait_until([] { return entered.load() == 1; });
		ASSERT_EQ(future_poll(FUTURE_AS_RUNNABLE(&futs[1]), n), FUTURE_STATE_RUNNING);
		ASSERT_EQ(future_poll(FUTURE_AS_RUNNABLE(&futs[2]), n), FUTURE_STATE_RUNNING);
		/* Full: stays IDLE, nothing dropped. */
		ASSERT_EQ(future_poll(FUTURE_AS_RUNNABLE(&futs[3]), wn), FUTURE_STATE_IDLE);
		ASSERT_EQ(future_poll(FUTURE_AS_RUNNABLE(&futs[3]), wn), FUTURE_STATE_IDLE);
	}
	void finish(struct future_notifier *n)
	{
		for (auto &f : futs)
			poll_until_complete(&f, n);
		for (auto &b : bufs)
			EXPECT_EQ(b.dst, b.src);
		data_mover_threads_delete(m);
		held = nullptr;
	}
};

} // namespace

TEST(threads_backpressure, full_queue_wakes_the_waker_when_room_frees)
{
	full_queue q;
	counting_waker others, waiting;
	auto n = others.notifier();
	auto wn = waiting.notifier();
	q.setup(FUTURE_NOTIFIER_WAKER, &n, &wn);
	EXPECT_EQ(wn.notifier_used, FUTURE_NOTIFIER_WAKER);
	EXPECT_EQ(waiting.calls.load(), 0);
	q.g.open();
	/* The worker frees a slot by taking the next operation: that wakes the waiting future. */
	wait_until([&] { return waiting.calls.load() > 0; });
	/* And now it starts. */
	poll_until_complete(&q.futs[3], &wn);
	q.finish(&n);
}

TEST(threads_backpressure, full_queue_sets_the_poller_word_when_room_frees)
{
	full_queue q;
	counting_waker w;
	auto n = w.notifier();
	auto wn = w.notifier();
	q.setup(FUTURE_NOTIFIER_POLLER, &n, &wn);
	ASSERT_EQ(wn.notifier_used, FUTURE_NOTIFIER_POLLER);
	uint64_t *word = wn.poller.ptr_to_monitor;
	ASSERT_NE(word, nullptr);
	EXPECT_EQ(__atomic_load_n(word, __ATOMIC_ACQUIRE), 0u);
	q.g.open();
	wait_until([&] { return __atomic_load_n(word, __ATOMIC_ACQUIRE) != 0; });
	poll_until_complete(&q.futs[3], &wn);
	EXPECT_EQ(w.calls.load(), 0);
	q.finish(&n);
}

TEST(threads_backpressure, full_queue_with_none_just_needs_another_poll)
{
	full_queue q;
	counting_waker w;
	auto n = w.notifier();
	auto wn = w.notifier();
	q.setup(FUTURE_NOTIFIER_NONE, &n, &wn);
	EXPECT_EQ(wn.notifier_used, FUTURE_NOTIFIER_NONE);
	q.g.open();
	poll_until_complete(&q.futs[3], &n);
	EXPECT_EQ(w.calls.load(), 0);
	q.finish(&n);
}

/* Many waiting futures, several polling threads: every one starts and completes. */
TEST(threads_backpressure, many_waiters_all_complete)
{
	for (auto type : {FUTURE_NOTIFIER_WAKER, FUTURE_NOTIFIER_POLLER, FUTURE_NOTIFIER_NONE}) {
		data_mover_threads *m = make_mover(2, 2, type, 16384, 0);
		ASSERT_NE(m, nullptr);
		struct vdm *vdm = data_mover_threads_get_vdm(m);
		constexpr int per_thread = 300;
		std::vector<std::thread> threads;
		std::atomic<int> bad{0};
		for (int t = 0; t < 3; ++t) {
			threads.emplace_back([&, t] {
				std::vector<char> src(per_thread * 64), dst(per_thread * 64, 0);
				for (std::size_t i = 0; i < src.size(); ++i)
					src[i] = static_cast<char>(i * 7 + t);
				std::vector<vdm_operation_future> futs;
				for (int i = 0; i < per_thread; ++i)
					futs.push_back(vdm_memcpy(vdm, dst.data() + i * 64,
					                          src.data() + i * 64, 64, 0));
				counting_waker w;
				auto n = w.notifier();
				int done = 0;
				while (done < per_thread) {
					done = 0;
					for (auto &f : futs)
						done += future_poll(FUTURE_AS_RUNNABLE(&f), &n) ==
						        FUTURE_STATE_COMPLETE;
				}
				if (src != dst)
					bad.fetch_add(1);
			});
		}
		for (auto &t : threads)
			t.join();
		EXPECT_EQ(bad.load(), 0);
		data_mover_threads_delete(m);
	}
}
