#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026, masync authors
"""`masync copy` under fault injection: one libc function fails at its N-th
call (tests/fault/fault_inject.c, preloaded), N swept over the calls a copy
makes.

    copy_faults.py --masync PATH --inject LIBRARY [--dir DIR] FUNCTION

For each way of copying (libpmem2 maps on the threads mover; the kernel's
copy) the calls of FUNCTION are counted in one clean run, then the copy is
run with the 1st ... 8th, a spread of later, and each of the last 6 calls failing
(counted from main(): what fails during static initialisation ends any C++
program in std::terminate, see fault_inject.c),
into a new DST and over an existing one in turn. Every run must end within
a timeout with exit status 0 or 1 (no signal, no abort); on 0, DST holds
SRC's bytes; on 1, stderr says "masync copy: ..." (or "masync: ..." when the command line
could not be parsed for want of memory) and DST is as the copy
contract (docs/tool.md) promises: a new DST not created, an existing one
with its old content; never a temporary file left beside DST, in /dev/shm
or in /tmp. Exit status 0 pass, 1 fail, 77 skipped.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

WAYS = [
    ("map-threads", ["--io", "map", "--mover", "threads", "--threads", "2", "--chunk", "16K",
                     "--in-flight", "3"]),
    ("write", ["--io", "write", "--chunk", "16K"]),
]
FIRST = 8       # every one of the first calls
SPREAD = 8      # then this many spread over the rest
LAST = 6        # and every one of the last calls
TIMEOUT = 30    # seconds a single copy may take (a hang fails the test)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--masync", required=True)
    ap.add_argument("--inject", required=True)
    ap.add_argument("--dir", help="where to copy (default /dev/shm; tmpfs is never "
                    "fallocated, so the fallocate sweep copies on a disk file system)")
    ap.add_argument("function")
    a = ap.parse_args()
    base = a.dir or ("/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir())
    work = tempfile.mkdtemp(prefix="masync-fault-copy-", dir=base)
    tag = "faultdst%d" % os.getpid()
    failures = []
    runs = 0
    try:
        rnd = random.Random(18)
        src = os.path.join(work, "src")
        data = rnd.randbytes(3 * 16384 + 123)
        with open(src, "wb") as f:
            f.write(data)
        old = b"old content " * 100

        def leftovers():
            out = [n for n in os.listdir(work) if ".masync-" in n]
            for d in ("/dev/shm", "/tmp"):
                try:
                    out += [os.path.join(d, n) for n in os.listdir(d) if tag in n]
                except OSError:
                    pass
            return out

        def copy(way, n, existing):
            dst = os.path.join(work, "%s-%s" % (tag, way[0]))
            if os.path.exists(dst):
                os.unlink(dst)
            if existing:
                with open(dst, "wb") as f:
                    f.write(old)
            env = dict(os.environ, LD_PRELOAD=a.inject, MASYNC_FAULT="%s:%d" % (a.function, n),
                       MASYNC_FAULT_FROM="main", TMPDIR=work)
            count = os.path.join(work, "count")
            if n >= 10**9:
                env["MASYNC_FAULT_COUNT"] = count
            cmd = [a.masync, "copy", "-q"] + way[1] + [src, dst]
            what = "%s %s:%d into %s DST" % (way[0], a.function, n,
                                             "an existing" if existing else "a new")
            try:
                p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=env, timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                return what, "hung (no exit within %d s)" % TIMEOUT, None
            err = p.stderr.decode(errors="replace")
            problem = None
            if p.returncode == 0:
                with open(dst, "rb") as f:
                    if f.read() != data:
                        problem = "exit 0 but DST does not hold SRC's bytes"
            elif p.returncode == 1:
                if not err.startswith(("masync copy: ", "masync: ")) or "internal error" in err:
                    problem = "exit 1 without a clean message: %r" % err
                elif existing:
                    with open(dst, "rb") as f:
                        if f.read() != old:
                            problem = "failed, and the existing DST lost its old content"
                elif os.path.exists(dst):
                    problem = "failed, yet a new DST was created"
            else:
                problem = "exit status %d (a signal or abort?): %r" % (p.returncode, err)
            left = leftovers()
            if left and problem is None:
                problem = "files left behind: %s" % left
            for n_ in left:
                try:
                    os.unlink(n_ if os.path.isabs(n_) else os.path.join(work, n_))
                except OSError:
                    pass
            calls = None
            if n >= 10**9 and os.path.exists(count):
                with open(count) as f:
                    calls = int(f.read().strip() or 0)
                os.unlink(count)
            return what, problem, calls

        for way in WAYS:
            what, problem, calls = copy(way, 10**9, False)
            if problem:
                failures.append("%s (no fault): %s" % (what, problem))
                continue
            if not calls:
                print("%s: %s is not called" % (way[0], a.function))
                continue
            ns = set(range(1, min(calls, FIRST) + 1))
            if calls > FIRST:
                step = max(1, (calls - FIRST) // SPREAD)
                ns.update(range(FIRST + step, calls + 1, step))
                # The last calls: those after the rename over DST (a failure
                # there once reported a failed copy that had replaced DST).
                ns.update(range(max(FIRST + 1, calls - LAST + 1), calls + 1))
            fired = 0
            for i, n in enumerate(sorted(ns)):
                what, problem, _ = copy(way, n, existing=bool(i % 2))
                runs += 1
                if problem:
                    failures.append("%s: %s" % (what, problem))
            print("%s: %d calls of %s, %d runs" % (way[0], calls, a.function, len(ns)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL: %s" % f, file=sys.stderr)
    if failures:
        return 1
    if runs == 0:
        print("SKIP: %s is never called by masync copy" % a.function)
        return 77
    print("PASS: %d runs" % runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
