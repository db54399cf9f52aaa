/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/fault/fault_inject.c -- an LD_PRELOAD library that makes the N-th
 * call of a libc function fail.
 *
 * What: interposes mmap, munmap, msync, fallocate, posix_fallocate,
 * ftruncate, pthread_create, syscall(SYS_futex, FUTEX_WAIT*) and malloc.
 * When armed for function F and number N, the N-th call of F made after
 * arming fails the way the kernel or libc would report it (mmap: MAP_FAILED
 * and ENOMEM; munmap, msync, ftruncate: -1 and EINVAL/EIO/EIO; fallocate:
 * -1 and ENOSPC; posix_fallocate: ENOSPC; pthread_create: EAGAIN; a futex
 * wait: -1 and EINTR, a spurious wake-up; malloc: NULL and ENOMEM, so
 * operator new throws and new (nothrow) returns NULL). Other calls pass
 * through. Only the one call fails.
 * Arming: from the environment, MASYNC_FAULT=F:N (counting from the first
 * call in the process), or from the program: masync_fault_set(F, N) (a
 * program finds it with dlsym(RTLD_DEFAULT, ...) and counts from the set
 * call; N = 0 disarms), masync_fault_fired() says whether it fired.
 * With MASYNC_FAULT_FROM=main, calls are counted (and failed) only from the
 * program's main() on (the library wraps main through __libc_start_main):
 * what fails during static initialisation cannot be handled by any C++
 * program (a std::bad_alloc there ends in std::terminate), so a sweep of a
 * program's own handling starts at main.
 * Counting: with MASYNC_FAULT_COUNT=PATH the library writes, at exit, how
 * many calls of the armed function it saw (arm it with a huge N to count
 * them all): a sweep over N learns its range from one run.
 * Thread safety: counters are atomic; arming is meant to happen while no
 * other thread calls the interposed functions.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

enum fault_fn {
	F_NONE,
	F_MMAP,
	F_MUNMAP,
	F_MSYNC,
	F_FALLOCATE,
	F_FTRUNCATE,
	F_PTHREAD,
	F_FUTEX,
	F_MALLOC
};

static const char *const names[] = {"",          "mmap",           "munmap", "msync", "fallocate",
                                    "ftruncate", "pthread_create", "futex",  "malloc"};

static _Atomic int armed_fn;
static _Atomic long armed_n;
static _Atomic long calls;
static _Atomic int fired;
static _Atomic int from_main; /* MASYNC_FAULT_FROM=main */
static _Atomic int in_main;

int masync_fault_set(const char *fn, long n);
int masync_fault_fired(void);

int masync_fault_set(const char *fn, long n)
{
	atomic_store(&armed_fn, F_NONE);
	atomic_store(&calls, 0);
	atomic_store(&fired, 0);
	if (n <= 0 || fn == NULL)
		return 0;
	for (int i = 1; i < (int)(sizeof(names) / sizeof(names[0])); ++i)
		if (strcmp(fn, names[i]) == 0) {
			atomic_store(&armed_n, n);
			atomic_store(&armed_fn, i);
			return 0;
		}
	return -1;
}

int masync_fault_fired(void)
{
	return atomic_load(&fired);
}

__attribute__((constructor)) static void fault_init(void)
{
	const char *from = getenv("MASYNC_FAULT_FROM");
	if (from && strcmp(from, "main") == 0)
		atomic_store(&from_main, 1);
	const char *env = getenv("MASYNC_FAULT");
	if (!env)
		return;
	const char *colon = strchr(env, ':');
	if (!colon || colon - env >= 32)
		return;
	char fn[32];
	memcpy(fn, env, (size_t)(colon - env));
	fn[colon - env] = '\0';
	masync_fault_set(fn, strtol(colon + 1, NULL, 10));
}

__attribute__((destructor)) static void fault_report(void)
{
	const char *path = getenv("MASYNC_FAULT_COUNT");
	if (!path)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	char buf[24];
	int i = (int)sizeof(buf);
	unsigned long c = (unsigned long)atomic_load(&calls);
	buf[--i] = '\n';
	do
		buf[--i] = (char)('0' + c % 10);
	while ((c /= 10) != 0);
	ssize_t w = write(fd, buf + i, sizeof(buf) - (size_t)i);
	(void)w;
	close(fd);
}

/* 1 when this call of fn is the one to fail. */
static int should_fail(int fn)
{
	if (atomic_load_explicit(&armed_fn, memory_order_relaxed) != fn)
		return 0;
	if (atomic_load_explicit(&from_main, memory_order_relaxed) &&
	    !atomic_load_explicit(&in_main, memory_order_relaxed))
		return 0;
	long c = atomic_fetch_add(&calls, 1) + 1;
	if (c != atomic_load(&armed_n))
		return 0;
	atomic_store(&fired, 1);
	return 1;
}

/* The next definition of name (libc's), looked up on first use. */
#define REAL(name)                            \
	static __typeof__(&name) real_##name; \
	if (!real_##name)                     \
	real_##name = (__typeof__(&name))(uintptr_t)dlsym(RTLD_NEXT, #name)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	REAL(mmap);
	if (should_fail(F_MMAP)) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return real_mmap(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	REAL(munmap);
	if (should_fail(F_MUNMAP)) {
		errno = EINVAL;
		return -1;
	}
	return real_munmap(addr, len);
}

int msync(void *addr, size_t len, int flags)
{
	REAL(msync);
	if (should_fail(F_MSYNC)) {
		errno = EIO;
		return -1;
	}
	return real_msync(addr, len, flags);
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
	REAL(fallocate);
	if (should_fail(F_FALLOCATE)) {
		errno = ENOSPC;
		return -1;
	}
	return real_fallocate(fd, mode, off, len);
}

int posix_fallocate(int fd, off_t off, off_t len)
{
	REAL(posix_fallocate);
	if (should_fail(F_FALLOCATE))
		return ENOSPC;
	return real_posix_fallocate(fd, off, len);
}

int ftruncate(int fd, off_t len)
{
	REAL(ftruncate);
	if (should_fail(F_FTRUNCATE)) {
		errno = EIO;
		return -1;
	}
	return real_ftruncate(fd, len);
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	REAL(pthread_create);
	if (should_fail(F_PTHREAD))
		return EAGAIN;
	return real_pthread_create(t, attr, fn, arg);
}

long syscall(long n, ...)
{
	va_list ap;
	va_start(ap, n);
	long a[6];
	for (int i = 0; i < 6; ++i)
		a[i] = va_arg(ap, long);
	va_end(ap);
	REAL(syscall);
	if (n == SYS_futex) {
		int cmd = (int)a[1] & FUTEX_CMD_MASK;
		if ((cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && should_fail(F_FUTEX)) {
			errno = EINTR;
			return -1;
		}
	}
	return real_syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int counting_main(int argc, char **argv, char **envp)
{
	atomic_store(&in_main, 1);
	return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
                      void (*rtld_fini)(void), void *stack_end);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
                      void (*rtld_fini)(void), void *stack_end)
{
	REAL(__libc_start_main);
	real_main = main;
	return real___libc_start_main(counting_main, argc, argv, init, fini, rtld_fini, stack_end);
}

extern void *__libc_malloc(size_t size);

void *malloc(size_t size)
{
	if (should_fail(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(size);
}
