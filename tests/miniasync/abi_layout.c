/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * abi_layout -- pins, at compile time, every enum value, flag, size and
 * member offset of the miniasync binary interface (the interface contract), as
 * a C11 program sees them. Programs built against miniasync 0.2.1's
 * headers inline code that depends on exactly these. When it compiles, it
 * also runs: main() re-checks a few at run time and prints them.
 * (The libpmem2 structures of that contract are pinned with the libpmem2 headers.)
 */

#include <libminiasync.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SIZE(type, size) _Static_assert(sizeof(type) == (size), "sizeof " #type)
#define AT(type, member, off) \
	_Static_assert(offsetof(type, member) == (off), "offsetof " #type "." #member)
#define VALUE(name, v) _Static_assert((name) == (v), #name)

/* Enum values, each enum int-sized. */
VALUE(FUTURE_STATE_IDLE, 0);
VALUE(FUTURE_STATE_COMPLETE, 1);
VALUE(FUTURE_STATE_RUNNING, 2);
VALUE(FUTURE_NOTIFIER_NONE, 0);
VALUE(FUTURE_NOTIFIER_WAKER, 1);
VALUE(FUTURE_NOTIFIER_POLLER, 2);
VALUE(FUTURE_PROPERTY_ASYNC, 0);
VALUE(FUTURE_CHAIN_ENTRY_REGULAR, 1);
VALUE(FUTURE_CHAIN_ENTRY_LAST, 2);
VALUE(VDM_OPERATION_MEMCPY, 0);
VALUE(VDM_OPERATION_MEMMOVE, 1);
VALUE(VDM_OPERATION_MEMSET, 2);
VALUE(VDM_OPERATION_FLUSH, 3);
VALUE(VDM_SUCCESS, 0);
VALUE(VDM_ERROR_OUT_OF_MEMORY, 1);
VALUE(VDM_ERROR_JOB_CORRUPTED, 2);
SIZE(enum future_state, 4);
SIZE(enum future_notifier_type, 4);
SIZE(enum future_property, 4);
SIZE(enum future_chain_entry_type, 4);
SIZE(enum vdm_operation_type, 4);
SIZE(enum vdm_operation_result, 4);

/* Flags and constants. */
VALUE(VDM_F_MEM_DURABLE, 1);
VALUE(VDM_F_NO_CACHE_HINT, 2);
VALUE(VDM_F_VALID_FLAGS, 3);
VALUE(FUTURE_CHAIN_FLAG_ENTRY_LAST, 1);
VALUE(FUTURE_CHAIN_FLAG_ENTRY_PROCESSED, 2);
VALUE(VDM_OPERATION_DATA_MAX_SIZE, 40);

/* Futures. */
SIZE(struct future_context, 24);
AT(struct future_context, data_size, 0);
AT(struct future_context, output_size, 8);
AT(struct future_context, state, 16);
AT(struct future_context, padding, 20);

SIZE(struct future_waker, 16);
AT(struct future_waker, data, 0);
AT(struct future_waker, wake, 8);

SIZE(struct future_poller, 8);
AT(struct future_poller, ptr_to_monitor, 0);
SIZE(*((struct future_poller *)0)->ptr_to_monitor, 8);

SIZE(struct future_notifier, 32);
AT(struct future_notifier, waker, 0);
AT(struct future_notifier, poller, 16);
AT(struct future_notifier, notifier_used, 24);
AT(struct future_notifier, padding, 28);

SIZE(struct future, 40);
AT(struct future, task, 0);
AT(struct future, has_property, 8);
AT(struct future, context, 16);

/* A future's data starts right after its header, its output right after the data. */
struct abi_data {
	uint64_t x[3];
};
struct abi_output {
	uint32_t y;
};
FUTURE(abi_future, struct abi_data, struct abi_output);
AT(struct abi_future, base, 0);
AT(struct abi_future, data, 40);
AT(struct abi_future, output, 40 + 24);

SIZE(struct future_chain_entry, 80);
AT(struct future_chain_entry, map, 0);
AT(struct future_chain_entry, map_arg, 8);
AT(struct future_chain_entry, init, 16);
AT(struct future_chain_entry, init_arg, 24);
AT(struct future_chain_entry, flags, 32);
SIZE(((struct future_chain_entry *)0)->flags, 8);
AT(struct future_chain_entry, future, 40);

/*
 * Chain entries follow one another, each 80 + data_size + output_size
 * rounded up to 8: an entry holding a future with 3 + 2 bytes of data and
 * output is 88 bytes long, and the next entry starts there.
 */
struct odd_data {
	char c[3];
};
struct odd_output {
	char d[2];
};
FUTURE(odd_future, struct odd_data, struct odd_output);
struct odd_chain_data {
	FUTURE_CHAIN_ENTRY(struct odd_future, first);
	FUTURE_CHAIN_ENTRY_LAST(struct odd_future, second);
	int after;
};
AT(struct odd_chain_data, first, 0);
AT(struct odd_chain_data, second, 88);
AT(struct odd_chain_data, after, 176);
SIZE(((struct odd_chain_data *)0)->first, 88);
AT(struct odd_chain_data, first.flags, 32);
AT(struct odd_chain_data, first.fut, 40);
SIZE(*((struct odd_chain_data *)0)->first.flags, FUTURE_CHAIN_ENTRY_REGULAR);
SIZE(*((struct odd_chain_data *)0)->second.flags, FUTURE_CHAIN_ENTRY_LAST);

/* The virtual data mover. */
SIZE(struct vdm_operation_data_memcpy, 32);
AT(struct vdm_operation_data_memcpy, dest, 0);
AT(struct vdm_operation_data_memcpy, src, 8);
AT(struct vdm_operation_data_memcpy, n, 16);
AT(struct vdm_operation_data_memcpy, flags, 24);
SIZE(((struct vdm_operation_data_memcpy *)0)->flags, 8);

SIZE(struct vdm_operation_data_memmove, 32);
AT(struct vdm_operation_data_memmove, dest, 0);
AT(struct vdm_operation_data_memmove, src, 8);
AT(struct vdm_operation_data_memmove, n, 16);
AT(struct vdm_operation_data_memmove, flags, 24);
SIZE(((struct vdm_operation_data_memmove *)0)->flags, 8);

SIZE(struct vdm_operation_data_memset, 32);
AT(struct vdm_operation_data_memset, str, 0);
AT(struct vdm_operation_data_memset, c, 8);
AT(struct vdm_operation_data_memset, n, 16);
AT(struct vdm_operation_data_memset, flags, 24);

SIZE(struct vdm_operation_data_flush, 24);
AT(struct vdm_operation_data_flush, dest, 0);
AT(struct vdm_operation_data_flush, n, 8);
AT(struct vdm_operation_data_flush, flags, 16);

SIZE(struct vdm_operation, 48);
AT(struct vdm_operation, data, 0);
SIZE(((struct vdm_operation *)0)->data, 40);
SIZE(((struct vdm_operation *)0)->data.data, 40);
AT(struct vdm_operation, type, 40);
AT(struct vdm_operation, padding, 44);

SIZE(struct vdm_operation_data, 64);
AT(struct vdm_operation_data, data, 0);
AT(struct vdm_operation_data, vdm, 8);
AT(struct vdm_operation_data, operation, 16);

SIZE(struct vdm_operation_output, 16);
AT(struct vdm_operation_output, type, 0);
AT(struct vdm_operation_output, result, 4);
AT(struct vdm_operation_output, output, 8);
AT(struct vdm_operation_output, output.memcpy.dest, 8);
AT(struct vdm_operation_output, output.memmove.dest, 8);
AT(struct vdm_operation_output, output.memset.str, 8);
AT(struct vdm_operation_output, output.flush.unused, 8);

SIZE(struct vdm_operation_future, 120);
AT(struct vdm_operation_future, base, 0);
AT(struct vdm_operation_future, data, 40);
AT(struct vdm_operation_future, output, 104);

SIZE(struct vdm, 48);
AT(struct vdm, op_new, 0);
AT(struct vdm, op_delete, 8);
AT(struct vdm, op_start, 16);
AT(struct vdm, op_check, 24);
AT(struct vdm, capabilities, 32);
SIZE(((struct vdm *)0)->capabilities, sizeof(unsigned));
AT(struct vdm, has_property, 40);

int main(void)
{
	/* Everything above is checked by the compiler; show the key sizes. */
	printf("future %zu, future_notifier %zu, future_chain_entry %zu, vdm %zu, "
	       "vdm_operation_future %zu: ABI layout as pinned\n",
	       sizeof(struct future), sizeof(struct future_notifier),
	       sizeof(struct future_chain_entry), sizeof(struct vdm),
	       sizeof(struct vdm_operation_future));
	return sizeof(struct vdm_operation_future) == 120 ? 0 : 1;
}
