#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026, masync authors
"""Tests of the masync tool: they run the binary and check what it does.

    tool_test.py --masync PATH [--small] CASE

CASE is one of the functions named case_* below. Files are made under
$MASYNC_TEST_DIR (default /dev/shm) in a private directory that is removed
afterwards. Exit status 0 pass, 1 fail, 77 skipped (ctest SKIP_RETURN_CODE).
--small shrinks the benchmark runs (sanitizer builds).
"""
import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
ARGS = None
WORK = None


class Skip(Exception):
    pass


def run(*args, user=None, check=None, env=None):
    """Runs masync with args (and env added to the environment); returns
    (returncode, stdout, stderr)."""
    cmd = [ARGS.masync] + [str(a) for a in args]
    if user is not None:
        cmd = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + cmd
    full_env = None
    if env is not None:
        full_env = dict(os.environ)
        full_env.update(env)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=600, env=full_env)
    if check is not None and p.returncode != check:
        fail("%s: exit status %d, expected %d\nstdout:\n%s\nstderr:\n%s" %
             (" ".join(cmd), p.returncode, check, p.stdout, p.stderr))
    return p.returncode, p.stdout, p.stderr


def fail(msg):
    raise AssertionError(msg)


def expect(cond, msg):
    if not cond:
        fail(msg)


def path(name):
    return os.path.join(WORK, name)


def make_file(name, size, seed=1):
    rnd = random.Random(seed)
    p = path(name)
    with open(p, "wb") as f:
        left = size
        while left:
            n = min(left, 8 << 20)
            f.write(rnd.randbytes(n))
            left -= n
    return p


def same_content(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x = fa.read(8 << 20)
            y = fb.read(8 << 20)
            if x != y:
                return False
            if not x:
                return True


def expect_failure(args, words, user=None, no_dst=None, status=None, env=None):
    """The command fails (with `status` if given), says `words` on stderr,
    claims nothing on stdout."""
    rc, out, err = run(*args, user=user, env=env)
    cmd = "masync " + " ".join(str(a) for a in args)
    expect(rc != 0, "%s: succeeded (exit 0), expected a failure\n%s%s" % (cmd, out, err))
    expect(status is None or rc == status, "%s: exit status %s, expected %s" % (cmd, rc, status))
    for w in words:
        expect(w.lower() in err.lower(),
               "%s: stderr does not say %r:\n%s" % (cmd, w, err))
    expect("copied" not in out, "%s: claims a copy on stdout:\n%s" % (cmd, out))
    if no_dst is not None:
        expect(not os.path.exists(no_dst), "%s: left %s behind" % (cmd, no_dst))
    return err


# ---- cases ------------------------------------------------------------------

def case_help():
    rc, out, _ = run("--help", check=0)
    for sub in ("copy", "info", "bench", "demo"):
        expect(sub in out, "masync --help does not list %s" % sub)
        rc, out2, _ = run(sub, "--help", check=0)
        expect(("Usage: masync %s" % sub) in out2,
               "masync %s --help prints no usage:\n%s" % (sub, out2))
    rc, out, _ = run("--version", check=0)
    expect(out.startswith("masync "), "--version: %r" % out)
    rc, _, err = run()
    expect(rc != 0 and "subcommand" in err.lower(), "no subcommand: rc %d, %s" % (rc, err))


def case_copy_sizes():
    sizes = [0, 1, 4095, (64 << 20) + 3]
    movers = ["default", "sync", "threads"]
    ways = [("--io", "map", "--mover", m) for m in movers] + [("--io", "write"), ("--io", "auto")]
    for size in sizes:
        src = make_file("src-%d" % size, size, seed=size + 7)
        for way in ways:
            mover = "-".join(way[1::2])
            dst = path("dst-%d-%s" % (size, mover))
            rc, out, err = run("copy", *way, "--verify", src, dst, check=0)
            expect(os.path.getsize(dst) == size,
                   "%s mover, %d bytes: DST has %d bytes" % (mover, size, os.path.getsize(dst)))
            expect(same_content(src, dst), "%s mover, %d bytes: DST differs" % (mover, size))
            expect("copied" in out and "durable" in out,
                   "%s mover, %d bytes: no report:\n%s" % (mover, size, out))
            expect(size == 0 or "verified" in out, "no verification reported:\n%s" % out)
            os.unlink(dst)
    # Many small futures, a short last chunk, few in flight.
    big = path("src-%d" % sizes[-1])
    dst = path("dst-chunks")
    run("copy", "--chunk", "64K", "--in-flight", "3", "--progress", "lines", big, dst, check=0)
    expect(same_content(big, dst), "64 KiB chunks: DST differs")
    os.unlink(dst)
    # A chunk size that is not a multiple of the page size (rounded up to one).
    run("copy", "--chunk", "5000", big, dst, check=0)
    expect(same_content(big, dst), "5000-byte chunks: DST differs")
    os.unlink(dst)
    run("copy", "--mover", "threads", "--threads", "3", "--chunk", "1M", big, dst, check=0)
    expect(same_content(big, dst), "3 threads: DST differs")
    # An existing, larger DST is cut to SRC's size; a smaller one extended.
    small = path("src-4095")
    with open(dst, "wb") as f:
        f.write(b"\xee" * (1 << 20))
    run("copy", "-q", small, dst, check=0)
    expect(os.path.getsize(dst) == 4095 and same_content(small, dst), "larger DST not cut")
    run("copy", "-q", big, dst, check=0)
    expect(same_content(big, dst), "smaller DST not extended")
    run("copy", "-q", path("src-0"), dst, check=0)
    expect(os.path.getsize(dst) == 0, "DST not emptied by an empty SRC")


def case_copy_dsa():
    """--mover dml and auto: the DSA mover, on the model (clean, faults, busy)
    and, for auto, without any queue; dml without a usable queue fails
    cleanly and leaves no DST."""
    src = make_file("src", 3 * 65536 + 123, seed=7)
    for env, movers in (({}, ["auto"]), ({"MASYNC_DSA_MODEL": "1"}, ["auto", "dml"]),
                        ({"MASYNC_DSA_MODEL": "faults"}, ["dml"]),
                        ({"MASYNC_DSA_MODEL": "busy"}, ["dml"])):
        for mover in movers:
            dst = path("dst-%s-%s" % (mover, env.get("MASYNC_DSA_MODEL", "none")))
            rc, out, err = run("copy", "--io", "map", "--mover", mover, "--chunk", "64K", src,
                               dst, check=0, env=env)
            expect(same_content(src, dst), "%s %s: DST differs" % (env, mover))
            expect("DSA mover" in out, "%s %s: the report names no DSA mover:\n%s" %
                   (env, mover, out))
            if mover == "dml":
                expect("model/wq0.0" in out, "dml on the model names no queue:\n%s" % out)
    dsa = "/sys/bus/dsa/devices"
    if not os.path.isdir(dsa) or not os.listdir(dsa):
        dst = path("dst-dml-none")
        expect_failure(["copy", "--io", "map", "--mover", "dml", src, dst],
                       ["no usable Intel DSA work queue", "masync info"], no_dst=dst, status=1)
    expect(temp_files(WORK) == [], "temporary files left: %s" % temp_files(WORK))


def case_copy_errors():
    src = make_file("src", 10000)
    dst = path("dst")
    missing = path("no-such-file")
    expect_failure(["copy", missing, dst], ["cannot open the source", "no such file"],
                   no_dst=dst, status=1)
    os.mkdir(path("dir"))
    expect_failure(["copy", path("dir"), dst], ["source", "is a directory"], no_dst=dst)
    expect_failure(["copy", src, path("dir")], ["destination", "is a directory"])
    expect(os.listdir(path("dir")) == [], "a directory DST was written into")
    expect_failure(["copy", src, path("no-such-dir/dst")],
                   ["cannot open the destination", "no such file"])
    expect_failure(["copy", src, src], ["same file"])
    expect(same_content(src, src) and os.path.getsize(src) == 10000, "SRC damaged")
    expect_failure(["copy", "--mover", "warp", src, dst], ["--mover", "warp"], no_dst=dst,
                   status=2)
    expect_failure(["copy", "--threads", "2", "--mover", "sync", src, dst], ["--threads"],
                   no_dst=dst)
    expect_failure(["copy", "--chunk", "12", src, dst], ["--chunk"], no_dst=dst)
    expect_failure(["frobnicate", src, dst], ["unknown subcommand", "frobnicate"], no_dst=dst,
                   status=2)
    expect_failure(["copy", src], ["DST is required"], no_dst=dst, status=2)
    expect_failure(["copy", src, "/dev/null"], ["not a regular file"])

    # No space: a sparse source far larger than the file system's free space.
    huge = path("huge-sparse")
    with open(huge, "wb") as f:
        f.truncate(1 << 40)
    expect_failure(["copy", huge, dst], ["no space"], no_dst=dst)
    # ... and an existing DST is not claimed either.
    with open(dst, "wb") as f:
        f.write(b"x")
    expect_failure(["copy", huge, dst], ["no space"])
    os.unlink(dst)

    # No permission: as an unprivileged user (root ignores file modes).
    user = None
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            raise Skip("running as root without setpriv: cannot test permissions")
        user = 65534  # nobody
    locked = path("locked")
    os.mkdir(locked, 0o755)
    os.chmod(WORK, 0o755)
    expect_failure(["copy", src, os.path.join(locked, "dst")],
                   ["cannot open the destination", "permission denied"], user=user,
                   no_dst=os.path.join(locked, "dst"))
    secret = make_file("secret", 100)
    os.chmod(secret, 0)
    open_dir = path("open")
    os.mkdir(open_dir, 0o777)
    os.chmod(open_dir, 0o777)
    expect_failure(["copy", secret, os.path.join(open_dir, "dst")],
                   ["cannot open the source", "permission denied"], user=user,
                   no_dst=os.path.join(open_dir, "dst"))
    readonly = make_file("readonly", 100)
    os.chmod(readonly, 0o444)
    expect_failure(["copy", src, readonly], ["cannot open the destination", "permission denied"],
                   user=user)


def case_copy_no_space():
    """A destination on a full tmpfs: a private 1 MiB one mounted for the test
    (root only; skipped where mounting is not permitted)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        raise Skip("mounting a private tmpfs needs root and mount(8)")
    small = path("small-tmpfs")
    os.mkdir(small)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M,mode=0755", "masync-test", small],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise Skip("cannot mount a tmpfs here: %s" % p.stdout.strip())
    try:
        src = make_file("src-3M", 3 << 20, seed=5)
        dst = os.path.join(small, "dst")
        # The free-space check before the copy.
        expect_failure(["copy", src, dst], ["no space"], no_dst=dst, status=1)
        # Past it (test hook): nothing is preallocated on tmpfs, so the copy
        # meets the full file system as a bus error in a mover's thread.
        movers = ["default", "threads"]
        for mover in movers:
            expect_failure(["copy", "--io", "map", "--mover", mover, src, dst], ["no space"],
                           no_dst=dst, status=1,
                           env={"MASYNC_TOOL_TEST_SKIP_SPACE_CHECK": "1"})
            expect(temp_files(small) == [], "temporary left: %s" % temp_files(small))
        # The kernel's copy (--io write, auto on tmpfs) meets ENOSPC instead.
        expect_failure(["copy", "--io", "write", src, dst], ["no space"], no_dst=dst, status=1,
                       env={"MASYNC_TOOL_TEST_SKIP_SPACE_CHECK": "1"})
        expect(temp_files(small) == [], "temporary left: %s" % temp_files(small))
        # An existing DST keeps its content when the new one does not fit.
        with open(dst, "wb") as f:
            f.write(b"old")
        expect_failure(["copy", src, dst], ["no space"], status=1,
                       env={"MASYNC_TOOL_TEST_SKIP_SPACE_CHECK": "1"})
        expect(open(dst, "rb").read() == b"old", "the old DST was changed")
        os.unlink(dst)
        # What fits is copied.
        fits = make_file("src-600K", 600 << 10, seed=6)
        run("copy", "-q", fits, dst, check=0)
        expect(same_content(fits, dst), "600 KiB into the 1 MiB tmpfs: DST differs")
    finally:
        subprocess.run(["umount", small], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def mount_small_tmpfs(name, size):
    """A private tmpfs of `size` under WORK (root only; Skip where mounting is
    refused). Returns its path; the caller unmounts it with umount_tmpfs."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        raise Skip("mounting a private tmpfs needs root and mount(8)")
    d = path(name)
    os.mkdir(d)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0755" % size, "masync-test",
                        d], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise Skip("cannot mount a tmpfs here: %s" % p.stdout.strip())
    return d


def umount_tmpfs(d):
    subprocess.run(["umount", d], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def case_sizes():
    """Every size the tool accepts is checked: sign, zero, overflow, junk are
    usage errors (exit 2) with a message for people, before anything is written."""
    src = make_file("src", 10000)
    dst = path("dst")
    bad = [("-1", "must be positive"), ("-4M", "must be positive"), ("0", "must be positive"),
           ("16E", "too large"), ("99999999999999999999", "too large"), ("1Q", "not a size"),
           ("x", "not a size"), ("", "not a size"), ("4M5", "not a size")]
    for value, words in bad:
        cmds = [["demo", WORK, "-s", value], ["copy", "-c", value, src, dst]]
        if value:  # CLI11 drops an empty list element
            cmds.append(["bench", "--quick", "--dir", WORK, "--sizes", "4K," + value])
        for args in cmds:
            err = expect_failure(args, [words], no_dst=dst, status=2)
            expect("overflow" not in err and "multiplied" not in err,
                   "%s: the parser's own words: %s" % (args, err))
            expect("--help" in err, "%s: no pointer to --help: %s" % (args, err))
    expect_failure(["copy", "-c", "12", src, dst], ["--chunk", "too small"], no_dst=dst,
                   status=2)
    expect_failure(["copy", "-c", "2G", src, dst], ["--chunk", "too large"], no_dst=dst,
                   status=2)
    expect_failure(["copy", "-t", "-2", src, dst], ["--threads", "must be positive"],
                   no_dst=dst, status=2)
    expect_failure(["copy", "-j", "0", src, dst], ["--in-flight", "out of range"], no_dst=dst,
                   status=2)
    # Options that do not go together are usage errors too, as the manual says.
    expect_failure(["copy", "--threads", "2", "--mover", "default", src, dst], ["--threads"],
                   no_dst=dst, status=2)
    expect_failure(["demo", WORK, "--threads", "2", "--mover", "sync"], ["--threads"],
                   status=2)
    # Sizes that parse but do not fit: refused before a byte is written.
    for value in ("512G", "1T"):
        err = expect_failure(["demo", WORK, "-s", value], ["no space"], status=1)
    # Beyond 1 TiB the demo refuses the size itself (what any accepted size
    # may make it write stays within the tool's bound).
    for value in ("1025G", "100T", "1E", "2E"):
        err = expect_failure(["demo", WORK, "-s", value], ["too large"], status=2)
    expect(os.listdir(WORK) == ["src"], "demo left files behind: %s" % os.listdir(WORK))
    # Units: K, M, KiB, kb all mean powers of 1024.
    for value in ("8K", "8KiB", "8kb", "8192"):
        run("copy", "-q", "-c", value, src, dst, check=0)
        expect(same_content(src, dst), "-c %s: DST differs" % value)
    # Help for people: no parser type notation.
    for sub in ("copy", "demo", "bench", "info"):
        rc, out, _ = run(sub, "--help", check=0)
        for notation in ("UINT", "TEXT", "kb(=1024b)", "in [", "SIZE [b"):
            expect(notation not in out, "masync %s --help shows %r:\n%s" % (sub, notation, out))


def case_demo_no_space():
    """The demo checks the free space before it writes: in a private 1 MiB
    tmpfs a 1 MiB demo (sample and copy: 2 MiB) is refused, nothing is left."""
    small = mount_small_tmpfs("small-tmpfs", "1M")
    try:
        err = expect_failure(["demo", small, "-s", "1M"], ["no space", "smaller --size"],
                             status=1)
        expect(os.listdir(small) == [], "demo wrote into the full tmpfs: %s" % os.listdir(small))
        rc, out, err = run("demo", small, "-s", "256K", check=0)
        expect("Verified" in out, "a 256 KiB demo in 1 MiB failed:\n%s%s" % (out, err))
        expect(os.listdir(small) == [], "demo left files: %s" % os.listdir(small))
    finally:
        umount_tmpfs(small)


def temp_files(d):
    return [n for n in os.listdir(d) if ".masync-" in n]


def interrupt_copy(src, dst, sig, extra=()):
    """Starts a slow copy (4 KiB futures, one in flight: one map per page),
    waits until it has written into its temporary file, sends `sig`."""
    import signal as _signal
    import time
    cmd = [ARGS.masync, "copy", "--io", "map", "--mover", "sync", "--chunk", "4K",
           "--in-flight", "1", "-q"] + list(extra) + [src, dst]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    d = os.path.dirname(dst)
    started = False
    deadline = time.monotonic() + 120
    while p.poll() is None and time.monotonic() < deadline:
        tmps = temp_files(d)
        if tmps:
            try:
                st = os.stat(os.path.join(d, tmps[0]))
                if st.st_blocks * 512 >= (1 << 20):
                    started = True
                    break
            except FileNotFoundError:
                pass
        time.sleep(0.001)
    expect(started, "the copy never wrote 1 MiB into a temporary file beside %s (rc %s)" %
           (dst, p.poll()))
    p.send_signal(sig)
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


def case_copy_signals():
    """SIGINT and SIGTERM to a real copy: exit 130/143 with a message, the
    temporary file removed, DST absent (new) or holding its old content."""
    import signal as _signal
    src = make_file("src", 256 << 20, seed=11)
    dst = path("dst")
    for sig, status, name in ((_signal.SIGINT, 130, "SIGINT"), (_signal.SIGTERM, 143, "SIGTERM")):
        rc, out, err = interrupt_copy(src, dst, sig)
        expect(rc == status, "%s: exit status %d, expected %d\n%s" % (name, rc, status, err))
        expect("interrupted by " + name in err and "was not created" in err,
               "%s: message: %r" % (name, err))
        expect(not os.path.exists(dst), "%s: a new DST was left behind" % name)
        expect(temp_files(WORK) == [], "%s: temporary left: %s" % (name, temp_files(WORK)))
    # An existing DST keeps its old content until the rename.
    old = make_file("dst", 3 << 20, seed=12)
    with open(old, "rb") as f:
        before = f.read()
    os.chmod(dst, 0o640)
    for sig, status, name in ((_signal.SIGTERM, 143, "SIGTERM"), (_signal.SIGINT, 130, "SIGINT")):
        rc, out, err = interrupt_copy(src, dst, sig)
        expect(rc == status, "%s: exit status %d, expected %d\n%s" % (name, rc, status, err))
        expect("keeps its old content" in err, "%s: message: %r" % (name, err))
        with open(dst, "rb") as f:
            expect(f.read() == before, "%s: the old DST was changed" % name)
        expect(temp_files(WORK) == [], "%s: temporary left: %s" % (name, temp_files(WORK)))
    # Not interrupted: replaced whole, its mode kept, no temporary left.
    run("copy", "-q", src, dst, check=0)
    expect(same_content(src, dst), "the completed copy differs")
    expect(os.stat(dst).st_mode & 0o777 == 0o640, "the mode of the replaced DST changed")
    expect(temp_files(WORK) == [], "temporary left: %s" % temp_files(WORK))


CPU_FLAGS = {"avx512f": "avx512f", "avx2": "avx2", "clwb": "clwb", "clflushopt": "clflushopt",
             "movdir64b": "movdir64b", "enqcmd": "enqcmd", "waitpkg": "waitpkg"}


def cpuinfo_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def case_info_json():
    rc, out, err = run("info", "--json", check=0)
    j = json.loads(out)
    flags = cpuinfo_flags()
    for key, flag in CPU_FLAGS.items():
        expect(isinstance(j["cpu"][key], bool), "cpu.%s is not a boolean" % key)
        if flags:
            expect(j["cpu"][key] == (flag in flags),
                   "cpu.%s is %s, /proc/cpuinfo says %s" % (key, j["cpu"][key], flag in flags))
    expect(j["kernels"]["memcpy"] in ("avx512f", "avx", "sse2", "generic"), str(j["kernels"]))
    expect(j["kernels"]["flush"] in ("clwb", "clflushopt", "clflush", "none"), str(j["kernels"]))
    if j["cpu"]["clwb"]:
        expect(j["kernels"]["flush"] == "clwb", "CLWB present but not chosen")
    expect(isinstance(j["eadr"]["state"], str) and isinstance(j["eadr"]["regions"], list),
           "eadr: %s" % j["eadr"])
    nd = "/sys/bus/nd/devices"
    regions = [d for d in os.listdir(nd) if d.startswith("region")] if os.path.isdir(nd) else []
    expect(len(j["eadr"]["regions"]) == len(regions), "eadr regions differ from sysfs")
    dsa = "/sys/bus/dsa/devices"
    devs = [d for d in os.listdir(dsa) if d.startswith("dsa")] if os.path.isdir(dsa) else []
    expect(len(j["dsa"]["devices"]) == len(devs), "dsa devices differ from sysfs")
    expect(isinstance(j["dsa"]["work_queues"], list) and isinstance(j["dsa"]["usable"], bool),
           str(j["dsa"]))
    expect(j["dsa"]["usable"] == (j["dsa"]["blocked_by"] is None), str(j["dsa"]))
    if not devs:
        expect(not j["dsa"]["usable"] and "no device" in j["dsa"]["blocked_by"], str(j["dsa"]))
    for q in j["dsa"]["work_queues"]:
        expect(q["mode"] in ("dedicated", "shared") and q["size"] > 0, str(q))
    expect("path" not in j, "a path reported without PATH")
    # Which libraries are in use: this tool links masync's statically.
    for lib in ("libpmem2", "libminiasync"):
        e = j["libraries"][lib]
        expect(e["linked"] == "static" and e["masync"] is True and
               os.path.realpath(e["path"]) == os.path.realpath(ARGS.masync), str(e))

    # PMEM_NO_CLWB moves the flush choice along, as in PMDK.
    if j["cpu"]["clwb"] and j["cpu"]["clflushopt"]:
        env = dict(os.environ, PMEM_NO_CLWB="1")
        p = subprocess.run([ARGS.masync, "info", "--json"], stdout=subprocess.PIPE, env=env,
                           text=True, check=True)
        expect(json.loads(p.stdout)["kernels"]["flush"] == "clflushopt",
               "PMEM_NO_CLWB=1 does not change the flush instruction")

    # PATH: a directory (probed with a temporary file) and a file.
    rc, out, err = run("info", "--json", WORK)
    j = json.loads(out)
    expect(j["path"]["path"] == WORK and j["path"]["probed_with_temporary_file"] is True,
           str(j["path"]))
    expect(os.listdir(WORK) == [], "info left its probe file behind: %s" % os.listdir(WORK))
    expect(rc == 0, "info --json DIR failed: %s" % err)
    expect(j["path"]["granularity"] in ("BYTE", "CACHE_LINE", "PAGE"), str(j["path"]))
    if j["path"]["filesystem"] == "tmpfs":
        expect(j["path"]["granularity"] == "PAGE", "tmpfs is not PAGE granularity")
    f = make_file("probe-me", 8192)
    rc, out, err = run("info", "--json", f, check=0)
    j2 = json.loads(out)
    expect(j2["path"]["probed_with_temporary_file"] is False, str(j2["path"]))
    expect(j2["path"]["granularity"] == j["path"]["granularity"], str(j2["path"]))
    expect(open(f, "rb").read() == open(f, "rb").read() and os.path.getsize(f) == 8192,
           "info changed the file")
    rc, out, err = run("info", WORK, check=0)
    expect("granularity" in out and j["path"]["granularity"] in out, out)
    rc, out, err = run("info", path("missing"))
    expect(rc != 0 and "cannot access" in err, "info on a missing path: rc %d %s" % (rc, err))
    # The DSA model (MASYNC_DSA_MODEL) replaces every device: its two queues, usable.
    rc, out, err = run("info", "--json", check=0, env={"MASYNC_DSA_MODEL": "1"})
    m = json.loads(out)["dsa"]
    expect(m["model"] == "1" and m["usable"] is True and m["blocked_by"] is None, str(m))
    expect([q["mode"] for q in m["work_queues"]] == ["dedicated", "shared"], str(m))
    expect(all(q["model"] and q["blocked_by"] is None and q["max_transfer_size"] > 0
               for q in m["work_queues"]), str(m))
    rc, out, err = run("info", check=0, env={"MASYNC_DSA_MODEL": "1"})
    for word in ("model/wq0.0", "dedicated", "shared", "--mover dml  usable"):
        expect(word in out, "info with the model does not say %r:\n%s" % (word, out))
    rc, out, err = run("info", check=0)
    for word in ("AVX-512F", "AVX2", "CLWB", "CLFLUSHOPT", "MOVDIR64B", "ENQCMD", "WAITPKG",
                 "eADR", "DSA", "libpmem2", "libminiasync", "linked statically"):
        expect(word in out, "info does not mention %s:\n%s" % (word, out))


def bench_args():
    a = ["bench", "--quick"]
    if ARGS.small:
        a += ["--sizes", "4K,256K", "--time", "0.002", "--rounds", "1"]
    return a


def case_bench_json():
    rc, out, err = run(*(bench_args() + ["--json", "--dir", WORK]), check=0,
                       env={"MASYNC_DSA_MODEL": "1"})
    j = json.loads(out)  # JSON alone on stdout
    movers = j["movers"]
    expect(movers, "no mover results")
    sizes = sorted({c["size"] for c in movers})
    expect(sizes, "no sizes")
    for size in sizes:
        row = [c for c in movers if c["size"] == size]
        expect(row[0]["method"] == "memcpy" and abs(row[0]["ratio"] - 1.0) < 1e-9,
               "the baseline is not memcpy at ratio 1: %s" % row[0])
        names = [c["method"] for c in row]
        expect("sync mover" in names and any(n.startswith("threads mover") for n in names),
               "movers missing at %d: %s" % (size, names))
        # The DSA mover: AUTO always, HARDWARE on the model's queue.
        expect("DSA mover auto" in names and "DSA mover dml" in names,
               "the DSA mover is missing at %d: %s" % (size, names))
        for c in row:
            expect(c["gib_per_s"] > 0 and c["ratio"] > 0, "empty measurement: %s" % c)
            expect(c["operation"] == "memcpy", str(c))
    expect(j["pmem2"]["available"] is True, str(j["pmem2"]))
    res = j["pmem2"]["results"]
    ops = {c["operation"] for c in res}
    expect(ops == {"memcpy", "memset"}, "pmem2 operations: %s" % ops)
    expect(all(c["gib_per_s"] > 0 for c in res), "an empty pmem2 measurement")
    expect(j["pmem2"]["granularity"] in ("BYTE", "CACHE_LINE", "PAGE"), str(j["pmem2"]))
    expect(j["config"]["quick"] is True, str(j["config"]))
    expect(isinstance(j["machine"]["cpu"]["avx2"], bool), "no machine description")
    expect(os.listdir(WORK) == [], "bench left files in --dir: %s" % os.listdir(WORK))
    lines = [l for l in err.splitlines() if l.startswith("masync bench: [")]
    expect(len(lines) == 3 * len(sizes), "progress lines on stderr: %r" % err)
    # The table, for people.
    rc, out, err = run(*(bench_args() + ["--dir", WORK]), check=0)
    expect("Movers against plain memcpy" in out and "DSA mover auto" in out, out)


def check_png(p):
    with open(p, "rb") as f:
        data = f.read()
    expect(data[:8] == b"\x89PNG\r\n\x1a\n", "%s: no PNG signature" % p)
    length, kind = struct.unpack(">I4s", data[8:16])
    expect(kind == b"IHDR" and length == 13, "%s: first chunk is %r (%d bytes)" % (p, kind, length))
    ihdr = data[16:29]
    width, height, depth, color = struct.unpack(">IIBB", ihdr[:10])
    expect(width > 0 and height > 0 and depth in (1, 2, 4, 8, 16), "bad IHDR %s" % (ihdr,))
    crc, = struct.unpack(">I", data[29:33])
    expect(crc == zlib.crc32(data[12:29]) & 0xffffffff, "%s: IHDR CRC mismatch" % p)
    expect(b"IEND" in data[-12:], "%s: no IEND chunk" % p)
    return width, height


def case_plot_png():
    if shutil.which("gnuplot") is None:
        raise Skip("gnuplot is not installed")
    png = path("chart.png")
    rc, out, err = run(*(bench_args() + ["--json", "--plot", png, "--dir", WORK]), check=0)
    json.loads(out)
    w, h = check_png(png)
    expect(w >= 320 and h >= 200, "tiny chart %dx%d" % (w, h))
    expect_failure(bench_args() + ["--plot", path("chart.jpg")], ["--plot", ".png"])


def case_demo():
    rc, out, err = run("demo", WORK, "--size", "3M", check=0)
    for word in ("This machine", "granularity", "Copied", "Verified", "Removed"):
        expect(word in out, "demo output lacks %r:\n%s" % (word, out))
    expect(os.listdir(WORK) == [], "demo left files behind: %s" % os.listdir(WORK))
    rc, out, err = run("demo", WORK, "--size", "1M", "--keep", check=0)
    kept = [d for d in os.listdir(WORK) if d.startswith("masync-demo-")]
    expect(len(kept) == 1, "--keep kept %s" % kept)
    d = path(kept[0])
    expect(same_content(os.path.join(d, "sample.bin"), os.path.join(d, "copy.bin")),
           "the kept copy differs from the sample")
    expect_failure(["demo", path("missing-dir")], ["missing-dir"])


def main():
    global ARGS, WORK
    ap = argparse.ArgumentParser()
    ap.add_argument("--masync", required=True)
    ap.add_argument("--small", action="store_true")
    ap.add_argument("case")
    ARGS = ap.parse_args()
    fn = globals().get("case_" + ARGS.case)
    if fn is None:
        print("unknown case %s" % ARGS.case, file=sys.stderr)
        return 2
    base = os.environ.get("MASYNC_TEST_DIR", "/dev/shm")
    WORK = tempfile.mkdtemp(prefix="masync-tool-test-", dir=base)
    try:
        fn()
    except Skip as e:
        print("SKIP: %s" % e)
        return SKIP
    except AssertionError as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return 1
    finally:
        for root, dirs, files in os.walk(WORK):
            for name in dirs + files:
                try:
                    os.chmod(os.path.join(root, name), 0o700)
                except OSError:
                    pass
        shutil.rmtree(WORK, ignore_errors=True)
    print("PASS: %s" % ARGS.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
