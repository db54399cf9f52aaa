#!/usr/bin/env bash
# check_install.sh BUILD_DIR CONSUMER_DIR
set -euo pipefail
build=$1
consumer=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/staged" >/dev/null
# Relocate: every file must find the others relative to itself.
mv "$work/staged" "$work/moved"
p=$work/moved

fail() { echo "check_install: $*" >&2; exit 1; }
for f in include/libminiasync.h include/libminiasync/future.h include/libminiasync/vdm.h \
	include/libminiasync/runtime.h include/libminiasync/data_mover_sync.h \
	include/libminiasync/data_mover_threads.h lib/libminiasync.so.0 lib/libminiasync.a \
	lib/pkgconfig/libminiasync.pc lib/cmake/masync/masyncConfig.cmake; do
	[ -e "$p/$f" ] || fail "missing $f"
done
grep -q "$work/staged" -r "$p/lib/pkgconfig" "$p/lib/cmake" && fail "absolute staging path in package files"

with_pmem2=0
if [ -e "$p/lib/libpmem2.so.1" ]; then
	with_pmem2=1
	for f in include/libpmem2.h include/libpmem2/base.h lib/pkgconfig/libpmem2.pc lib/libpmem2.a; do
		[ -e "$p/$f" ] || fail "missing $f"
	done
fi

# pkg-config consumer
export PKG_CONFIG_PATH=$p/lib/pkgconfig
[ "$(pkg-config --variable=includedir libminiasync)" -ef "$p/include" ] || fail "pkg-config includedir is not inside the moved prefix"
cc -std=c11 -Wall -Wextra -Werror "$consumer/consumer.c" -o "$work/pc_consumer" \
	$(pkg-config --cflags --libs libminiasync) -Wl,-rpath,"$p/lib"
"$work/pc_consumer"

# CMake consumer
cmake -S "$consumer" -B "$work/cm" -DCMAKE_PREFIX_PATH="$p" -DWITH_PMEM2=$with_pmem2 >/dev/null
cmake --build "$work/cm" >/dev/null
"$work/cm/consumer"
"$work/cm/consumer_static"
echo "check_install: ok ($p)"
