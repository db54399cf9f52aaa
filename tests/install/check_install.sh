#!/usr/bin/env bash
# check_install.sh BUILD_DIR CONSUMER_DIR
# A clean install into a temporary prefix, moved elsewhere (every file must
# find the others relative to itself), then, as README.md's "Installing for
# use" says:
#   - a C program of both libraries built with `pkg-config libminiasync
#     libpmem2`, run with LD_LIBRARY_PATH and, built again with an rpath,
#     without; both times it must have loaded the installed libraries, not
#     Debian's PMDK libpmem2 (which scripts/setup --tests installs);
#   - a CMake consumer through find_package(masync), shared and static;
#   - the installed tool runs from the moved prefix ($ORIGIN RPATH);
#   - the manual pages are installed by section (when the build made them).
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

with_pmem2=1
for f in include/libpmem2.h include/libpmem2/base.h lib/libpmem2.so.1 lib/pkgconfig/libpmem2.pc \
	lib/libpmem2.a; do
	[ -e "$p/$f" ] || fail "missing $f"
done
if [ -d "$build/docs/man" ]; then
	for f in share/man/man1/masync.1 share/man/man3/vdm_memcpy.3 share/man/man3/pmem2_map_new.3 \
		share/man/man7/miniasync.7; do
		[ -e "$p/$f" ] || fail "missing $f"
	done
fi

# pkg-config consumer
export PKG_CONFIG_PATH=$p/lib/pkgconfig
[ "$(pkg-config --variable=includedir libminiasync)" -ef "$p/include" ] || fail "pkg-config includedir is not inside the moved prefix"
cc -std=c11 -Wall -Wextra -Werror "$consumer/consumer.c" -o "$work/pc_consumer" \
	$(pkg-config --cflags --libs libminiasync) -Wl,-rpath,"$p/lib"
"$work/pc_consumer"

# Both libraries, as the README says: pkg-config, then LD_LIBRARY_PATH.
unset LD_LIBRARY_PATH
# which_libs OUTPUT: both libraries must be the installed ones.
check_loaded() {
	local lib path
	for lib in libminiasync libpmem2; do
		path=$(awk -v l="$lib" '$1 == l {print $2}' <<<"$1")
		[ -n "$path" ] || fail "$lib not loaded: $1"
		[ "$(dirname "$(realpath "$path")")" = "$(realpath "$p/lib")" ] ||
			fail "$lib loaded from $path, not from the installed $p/lib"
	done
}
cc -std=c11 -Wall -Wextra -Werror "$consumer/which_libs.c" -o "$work/which_libs" \
	$(pkg-config --cflags --libs libminiasync libpmem2)
out=$(LD_LIBRARY_PATH=$(pkg-config --variable=libdir libpmem2) "$work/which_libs") ||
	fail "which_libs failed with LD_LIBRARY_PATH"
check_loaded "$out"
cc -std=c11 -Wall -Wextra -Werror "$consumer/which_libs.c" -o "$work/which_libs_rpath" \
	$(pkg-config --cflags --libs libminiasync libpmem2) \
	-Wl,-rpath,"$(pkg-config --variable=libdir libpmem2)"
out=$("$work/which_libs_rpath") || fail "which_libs failed with an rpath"
check_loaded "$out"

# The installed tool runs from the moved prefix.
if [ -e "$p/bin/masync" ]; then
	"$p/bin/masync" --version >/dev/null || fail "installed bin/masync does not run"
fi
readelf -d "$p/lib/libpmem2.so.1" | grep -q 'R.*PATH.*\$ORIGIN' ||
	fail "libpmem2.so.1 has no \$ORIGIN RPATH"

# CMake consumer
cmake -S "$consumer" -B "$work/cm" -DCMAKE_PREFIX_PATH="$p" -DWITH_PMEM2=$with_pmem2 >/dev/null
cmake --build "$work/cm" >/dev/null
"$work/cm/consumer"
"$work/cm/consumer_static"
echo "check_install: ok ($p)"
