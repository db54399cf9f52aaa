#!/usr/bin/env bash
# check_c_consumer.sh BUILD_DIR CONSUMER_C
# Installs the build into a temporary prefix and builds an upstream-style DML
# mover program with `pkg-config libminiasync-vdm-dml`, then runs it for
# SOFTWARE, AUTO and HARDWARE under the model (clean, faults, busy), and
# checks that HARDWARE without a model and without a device gives NULL.
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/p" >/dev/null
p=$work/p
for f in include/libminiasync-vdm-dml.h include/libminiasync-vdm-dml/data_mover_dml.h \
	include/libminiasync/data_mover_dsa.h lib/libminiasync-vdm-dml.so.0 lib/libminiasync-vdm-dml.a \
	lib/pkgconfig/libminiasync-vdm-dml.pc; do
	[ -e "$p/$f" ] || { echo "missing $f" >&2; exit 1; }
done
export PKG_CONFIG_PATH=$p/lib/pkgconfig
cc -std=c11 -Wall -Wextra -Werror "$src" -o "$work/consumer" \
	$(pkg-config --cflags --libs libminiasync-vdm-dml) -Wl,--disable-new-dtags,-rpath,"$p/lib"
env -u MASYNC_DSA_MODEL "$work/consumer" software
env -u MASYNC_DSA_MODEL "$work/consumer" auto
for m in 1 faults busy; do
	MASYNC_DSA_MODEL=$m "$work/consumer" hardware
	MASYNC_DSA_MODEL=$m "$work/consumer" auto
done
if ! ls /dev/dsa/wq* >/dev/null 2>&1; then
	env -u MASYNC_DSA_MODEL "$work/consumer" hardware-null
fi
echo "check_c_consumer: ok"
