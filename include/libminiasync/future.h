/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libminiasync/future.h -- futures: resumable tasks driven by polling.
 *
 * What it is
 *   A future is a plain C structure: a `struct future` header (task function,
 *   property function, context) followed by the future's data and then its
 *   output. Polling it (future_poll) runs one step of the task and returns the
 *   new state: IDLE (not started), RUNNING (in progress) or COMPLETE. A
 *   COMPLETE future is never run again; polling it is harmless.
 *   Chained futures (FUTURE_CHAIN_*) run a sequence of futures laid out one
 *   after another in the chain's data, each entry optionally mapping its
 *   results into the next one (or, for the last, into the chain's output).
 *
 * Binary interface
 *   Everything here is inline or a macro and is compiled into the caller, so
 *   the layouts, values and semantics are those of miniasync 0.2.1 exactly:
 *   programs built against the original headers interoperate with ours.
 *
 * Lifetime
 *   A future owns no heap memory of its own. Futures may be moved (copied
 *   bitwise) while IDLE; once polled, a future created by a data mover must
 *   not be moved until it completes only if its mover says so (ours do not
 *   care). A future's resources (e.g. a mover's operation record) are released
 *   when it completes.
 *
 * Thread safety
 *   One future must be polled by one thread at a time; different futures may
 *   be polled concurrently. A future may be polled by different threads at
 *   different times. Wakers (struct future_waker) may be called from any
 *   thread and must be thread-safe.
 *
 * Memory ordering
 *   A future that reports COMPLETE has made all of its effects (its output and
 *   the memory it wrote) visible to the polling thread: movers publish
 *   completion with release semantics and check it with acquire semantics.
 *   A waker call happens after the state change it announces is published.
 */

#ifndef LIBMINIASYNC_FUTURE_H
#define LIBMINIASYNC_FUTURE_H 1

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The state of a future; values are part of the ABI. */
enum future_state {
	FUTURE_STATE_IDLE,     /* not started yet */
	FUTURE_STATE_COMPLETE, /* done; output valid */
	FUTURE_STATE_RUNNING,  /* started, not done */
};

/* Sizes of the data and output that follow a future's header, and its state. */
struct future_context {
	size_t data_size;
	size_t output_size;
	enum future_state state;
	uint32_t padding;
};

typedef void (*future_waker_wake_fn)(void *data);

/* A callback a future calls (from any thread) when polling it again can make progress. */
struct future_waker {
	void *data;
	future_waker_wake_fn wake;
};

/*
 * A word the poller may watch instead of being called back: the future stores
 * a non-zero value there when it should be polled again. The word stays
 * valid until the future completes.
 */
struct future_poller {
	uint64_t *ptr_to_monitor;
};

enum future_notifier_type {
	FUTURE_NOTIFIER_NONE,   /* the future notifies nobody: poll it again */
	FUTURE_NOTIFIER_WAKER,  /* the future calls waker.wake */
	FUTURE_NOTIFIER_POLLER, /* the future sets *poller.ptr_to_monitor */
};

/*
 * Passed by the poller to future_poll. The poller fills `waker`; a future
 * that accepts a notifier records in `notifier_used` which kind it will use
 * (and for POLLER fills `poller.ptr_to_monitor`). A future that leaves
 * `notifier_used` as NONE will notify nobody.
 */
struct future_notifier {
	struct future_waker waker;
	struct future_poller poller;
	enum future_notifier_type notifier_used;
	uint32_t padding;
};

enum future_property {
	FUTURE_PROPERTY_ASYNC, /* the work happens elsewhere (another thread, a device) */
};

/* The data of the future whose context this is. */
static inline void *future_context_get_data(struct future_context *context)
{
	return (char *)context + sizeof(struct future_context);
}

/* The output of the future whose context this is (right after its data). */
static inline void *future_context_get_output(struct future_context *context)
{
	return (char *)future_context_get_data(context) + context->data_size;
}

/* The size of the data and the output together. */
static inline size_t future_context_get_size(struct future_context *context)
{
	return context->data_size + context->output_size;
}

#define FUTURE_WAKER_WAKE(_wakerp) ((_wakerp)->wake((_wakerp)->data))

typedef enum future_state (*future_task_fn)(struct future_context *context,
                                            struct future_notifier *notifier);
typedef int (*future_has_property_fn)(void *future, enum future_property property);

/* The header every future starts with. */
struct future {
	future_task_fn task;
	future_has_property_fn has_property; /* may be NULL: no properties */
	struct future_context context;
};

/* Defines `struct _name`: a future with data of _data_type and output of _output_type. */
#define FUTURE(_name, _data_type, _output_type) \
	struct _name {                          \
		struct future base;             \
		_data_type data;                \
		_output_type output;            \
	}

/* Makes *_futurep an IDLE future running _taskfn, with property function _propertyfn. */
#define FUTURE_INIT_EXT(_futurep, _taskfn, _propertyfn)                            \
	do {                                                                       \
		(_futurep)->base.task = (_taskfn);                                 \
		(_futurep)->base.has_property = (_propertyfn);                     \
		(_futurep)->base.context.state = (FUTURE_STATE_IDLE);              \
		(_futurep)->base.context.data_size = sizeof((_futurep)->data);     \
		(_futurep)->base.context.output_size = sizeof((_futurep)->output); \
		(_futurep)->base.context.padding = 0;                              \
	} while (0)

/* Makes *_futurep an IDLE future running _taskfn, with no properties. */
#define FUTURE_INIT(_futurep, _taskfn) \
	FUTURE_INIT_EXT((_futurep), (_taskfn), future_has_property_default)

/* Makes *_futurep a future that is already COMPLETE (no task, no properties). */
#define FUTURE_INIT_COMPLETE(_futurep)                                             \
	do {                                                                       \
		(_futurep)->base.task = NULL;                                      \
		(_futurep)->base.has_property = NULL;                              \
		(_futurep)->base.context.state = (FUTURE_STATE_COMPLETE);          \
		(_futurep)->base.context.data_size = sizeof((_futurep)->data);     \
		(_futurep)->base.context.output_size = sizeof((_futurep)->output); \
		(_futurep)->base.context.padding = 0;                              \
	} while (0)

#define FUTURE_AS_RUNNABLE(_futurep) (&(_futurep)->base)
#define FUTURE_OUTPUT(_futurep) (&(_futurep)->output)
#define FUTURE_DATA(_futurep) (&(_futurep)->data)
#define FUTURE_STATE(_futurep) ((_futurep)->base.context.state)

typedef void (*future_map_fn)(struct future_context *lhs, struct future_context *rhs, void *arg);
typedef void (*future_init_fn)(void *future, struct future_context *chain_fut, void *arg);

/* The generic view of one entry of a chained future's data. */
struct future_chain_entry {
	future_map_fn map;
	void *map_arg;
	future_init_fn init;
	void *init_arg;
	uint64_t flags;
	struct future future;
};

#define FUTURE_CHAIN_FLAG_ENTRY_LAST (((uint64_t)1) << 0)
#define FUTURE_CHAIN_FLAG_ENTRY_PROCESSED (((uint64_t)1) << 1)
#define FUTURE_CHAIN_VALID_FLAGS (FUTURE_CHAIN_FLAG_ENTRY_LAST | FUTURE_CHAIN_FLAG_ENTRY_PROCESSED)

/*
 * The kind of an entry is carried by the type of its `flags` member: a pointer
 * to an array whose length is the kind, so that the init macros can tell a
 * LAST entry from a regular one at compile time. At run time the member
 * holds FUTURE_CHAIN_FLAG_* bits.
 */
enum future_chain_entry_type {
	FUTURE_CHAIN_ENTRY_REGULAR = 1,
	FUTURE_CHAIN_ENTRY_LAST = 2,
};

typedef uint8_t _future_entry_type_regular[FUTURE_CHAIN_ENTRY_REGULAR];
typedef uint8_t _future_entry_type_last[FUTURE_CHAIN_ENTRY_LAST];

#define FUTURE_CHAIN_ENTRY(_future_type, _name)    \
	struct {                                   \
		future_map_fn map;                 \
		void *map_arg;                     \
		future_init_fn init;               \
		void *init_arg;                    \
		_future_entry_type_regular *flags; \
		_future_type fut;                  \
	} _name

/* The last entry of a chain: data declared after it is not taken for an entry. */
#define FUTURE_CHAIN_ENTRY_LAST(_future_type, _name) \
	struct {                                     \
		future_map_fn map;                   \
		void *map_arg;                       \
		future_init_fn init;                 \
		void *init_arg;                      \
		_future_entry_type_last *flags;      \
		_future_type fut;                    \
	} _name

/*
 * The initial flags of an entry, converted to the entry's member type. The
 * original cast through (void *), which C++ rejects; decltype keeps C++ happy.
 */
#ifdef __cplusplus
#define _FUTURE_CHAIN_ENTRY_FLAGS(_entry)                                          \
	((decltype((_entry)->flags))(uintptr_t)(sizeof(*(_entry)->flags) ==        \
	                                                FUTURE_CHAIN_ENTRY_LAST    \
	                                            ? FUTURE_CHAIN_FLAG_ENTRY_LAST \
	                                            : 0))
#else
#define _FUTURE_CHAIN_ENTRY_FLAGS(_entry)                                        \
	((void *)(uintptr_t)(sizeof(*(_entry)->flags) == FUTURE_CHAIN_ENTRY_LAST \
	                         ? FUTURE_CHAIN_FLAG_ENTRY_LAST                  \
	                         : 0))
#endif

/* Initializes a chain entry with a ready future _fut and an optional map function. */
#define FUTURE_CHAIN_ENTRY_INIT(_entry, _fut, _map, _map_arg)        \
	do {                                                         \
		(_entry)->fut = (_fut);                              \
		(_entry)->map = (_map);                              \
		(_entry)->map_arg = (_map_arg);                      \
		(_entry)->init = NULL;                               \
		(_entry)->init_arg = NULL;                           \
		(_entry)->flags = _FUTURE_CHAIN_ENTRY_FLAGS(_entry); \
	} while (0)

/* Initializes a chain entry whose future _init creates right before it is first needed. */
#define FUTURE_CHAIN_ENTRY_LAZY_INIT(_entry, _init, _init_arg, _map, _map_arg) \
	do {                                                                   \
		(_entry)->map = (_map);                                        \
		(_entry)->map_arg = (_map_arg);                                \
		(_entry)->init = (_init);                                      \
		(_entry)->init_arg = (_init_arg);                              \
		(_entry)->flags = _FUTURE_CHAIN_ENTRY_FLAGS(_entry);           \
	} while (0)

#define FUTURE_CHAIN_ENTRY_HAS_FLAG(_entry, _flag) (((_entry)->flags & (_flag)) == (_flag))
#define FUTURE_CHAIN_ENTRY_IS_LAST(_entry) \
	FUTURE_CHAIN_ENTRY_HAS_FLAG(_entry, FUTURE_CHAIN_FLAG_ENTRY_LAST)
#define FUTURE_CHAIN_ENTRY_IS_PROCESSED(_entry) \
	FUTURE_CHAIN_ENTRY_HAS_FLAG(_entry, FUTURE_CHAIN_FLAG_ENTRY_PROCESSED)
#define FUTURE_CHAIN_ENTRY_IS_INITIALIZED(_entry) ((_entry)->init == NULL)

/*
 * Runs one step of the future's task unless it is already complete, and
 * returns its state. `notifier` may be NULL.
 */
static inline enum future_state future_poll(struct future *fut, struct future_notifier *notifier)
{
	if (fut->context.state != FUTURE_STATE_COMPLETE)
		fut->context.state = fut->task(&fut->context, notifier);
	return fut->context.state;
}

/* 1 when the future has `property`, 0 otherwise (also for futures with no property function). */
static inline int future_has_property(struct future *fut, enum future_property property)
{
	if (fut->has_property == NULL)
		return 0;
	return fut->has_property(fut, property);
}

/* A pause hint for spin loops. */
#if defined(__x86_64__) || defined(__i386__)
#define _FUTURE_SPIN_HINT() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define _FUTURE_SPIN_HINT() __asm__ __volatile__("yield")
#else
#define _FUTURE_SPIN_HINT() ((void)0)
#endif

/* Polls the future until it completes, spinning (no sleeping, no notifier). */
#define FUTURE_BUSY_POLL(_futurep)                                                           \
	while (future_poll(FUTURE_AS_RUNNABLE((_futurep)), NULL) != FUTURE_STATE_COMPLETE) { \
		_FUTURE_SPIN_HINT();                                                         \
	}

/* Entries are laid out back to back, each rounded up to pointer alignment. */
#define _FUTURE_CHAIN_ALIGN_UP(_size) (((_size) + sizeof(void *) - 1) & ~(sizeof(void *) - 1))

/*
 * Runs the lazy initializer of `entry` if it has one, advances *used_data past
 * it and returns the entry that follows, or NULL when `entry` is the last.
 */
static inline struct future_chain_entry *
get_next_future_chain_entry(struct future_context *ctx, struct future_chain_entry *entry,
                            uint8_t *data, size_t *used_data)
{
	if (entry->init) {
		entry->init(&entry->future, ctx, entry->init_arg);
		entry->init = NULL;
	}
	*used_data += _FUTURE_CHAIN_ALIGN_UP(sizeof(struct future_chain_entry) +
	                                     future_context_get_size(&entry->future.context));
	if (FUTURE_CHAIN_ENTRY_IS_LAST(entry) || *used_data >= ctx->data_size)
		return NULL;
	return (struct future_chain_entry *)(data + *used_data);
}

/*
 * The task of a chained future: polls the first unfinished entry; when it
 * completes, initializes the next (if lazy), maps the results and moves on in
 * the same step. Returns COMPLETE when every entry is done.
 */
static inline enum future_state async_chain_impl(struct future_context *ctx,
                                                 struct future_notifier *notifier)
{
	uint8_t *data = (uint8_t *)future_context_get_data(ctx);
	struct future_chain_entry *entry = (struct future_chain_entry *)data;
	size_t used_data = 0;

	while (entry != NULL) {
		struct future_chain_entry *next =
		    get_next_future_chain_entry(ctx, entry, data, &used_data);
		if (!FUTURE_CHAIN_ENTRY_IS_PROCESSED(entry)) {
			if (future_poll(&entry->future, notifier) != FUTURE_STATE_COMPLETE)
				return FUTURE_STATE_RUNNING;
			if (entry->map) {
				if (next && next->init) {
					next->init(&next->future, ctx, next->init_arg);
					next->init = NULL;
				}
				entry->map(&entry->future.context,
				           next ? &next->future.context : ctx, entry->map_arg);
			}
			entry->flags |= FUTURE_CHAIN_FLAG_ENTRY_PROCESSED;
		}
		entry = next;
	}
	return FUTURE_STATE_COMPLETE;
}

/* The property function of futures made with FUTURE_INIT: no properties. */
static inline int future_has_property_default(void *future, enum future_property property)
{
	(void)future;
	(void)property;
	return 0;
}

/*
 * The property function of chained futures: the answer of the first entry
 * that has not finished (0 for an entry without a property function), or -1
 * when every entry has finished.
 */
static inline int future_chain_has_property(void *future, enum future_property property)
{
	struct future *fut = (struct future *)future;
	struct future_context *ctx = &fut->context;
	uint8_t *data = (uint8_t *)future_context_get_data(ctx);
	struct future_chain_entry *entry = (struct future_chain_entry *)data;
	size_t used_data = 0;

	while (entry != NULL) {
		struct future_chain_entry *next =
		    get_next_future_chain_entry(ctx, entry, data, &used_data);
		if (!FUTURE_CHAIN_ENTRY_IS_PROCESSED(entry))
			return future_has_property(&entry->future, property) ? 1 : 0;
		entry = next;
	}
	return -1;
}

/* Makes *_futurep an IDLE chained future; initialize each entry first. */
#define FUTURE_CHAIN_INIT(_futurep) \
	FUTURE_INIT_EXT((_futurep), async_chain_impl, future_chain_has_property)

#ifdef __cplusplus
}
#endif
#endif /* LIBMINIASYNC_FUTURE_H */
