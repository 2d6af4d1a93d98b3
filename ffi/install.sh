#!/bin/sh
# Installs the C library that `cargo build -p sipcert-ffi` built, without cargo-c:
#
#   PREFIX/lib/libsipcert.so.X.Y.Z        the shared library (SONAME libsipcert.so.X)
#   PREFIX/lib/libsipcert.so.X -> .X.Y.Z  what programs load
#   PREFIX/lib/libsipcert.so   -> .X      what `cc -lsipcert` links
#   PREFIX/lib/libsipcert.a               the static library
#   PREFIX/include/sipcert.h              the committed header
#   PREFIX/lib/pkgconfig/sipcert.pc       for `pkg-config --cflags --libs sipcert`
#
# The layout and the SONAME are the ones `cargo cinstall -p sipcert-ffi` produces.
#
# usage: ffi/install.sh [--prefix DIR] [--libdir DIR] [--build-dir DIR] [--destdir DIR]
#   --prefix     default /usr/local
#   --libdir     default PREFIX/lib
#   --build-dir  where cargo put libsipcert_ffi.so and .a; default
#                ${CARGO_TARGET_DIR:-target}/release
#   --destdir    staging root prepended to every installed path (packaging); the .pc file
#                still names PREFIX
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=/usr/local
libdir=
build_dir=
destdir=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --libdir) libdir=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --destdir) destdir=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$libdir" ] || libdir=$prefix/lib
[ -n "$build_dir" ] || build_dir=${CARGO_TARGET_DIR:-$here/../target}/release
includedir=$prefix/include

header=$here/include/sipcert.h
macro() { sed -n "s/^#define SIPCERT_VERSION_$1 \([0-9][0-9]*\)$/\1/p" "$header"; }
major=$(macro MAJOR)
minor=$(macro MINOR)
patch=$(macro PATCH)
if [ -z "$major" ] || [ -z "$minor" ] || [ -z "$patch" ]; then
  echo "install.sh: no SIPCERT_VERSION_* macros in $header" >&2
  exit 1
fi
version=$major.$minor.$patch

for f in libsipcert_ffi.so libsipcert_ffi.a; do
  if [ ! -f "$build_dir/$f" ]; then
    echo "install.sh: $build_dir/$f is missing (cargo build -p sipcert-ffi --release)" >&2
    exit 1
  fi
done

lib=$destdir$libdir
install -d "$lib/pkgconfig" "$destdir$includedir"
install -m 755 "$build_dir/libsipcert_ffi.so" "$lib/libsipcert.so.$version"
ln -sf "libsipcert.so.$version" "$lib/libsipcert.so.$major"
ln -sf "libsipcert.so.$major" "$lib/libsipcert.so"
install -m 644 "$build_dir/libsipcert_ffi.a" "$lib/libsipcert.a"
install -m 644 "$header" "$destdir$includedir/sipcert.h"
# Libs.private: what the Rust standard library needs when the static library is linked
# (`pkg-config --static --libs sipcert`); the shared library records it itself.
cat > "$lib/pkgconfig/sipcert.pc" <<EOF
prefix=$prefix
exec_prefix=\${prefix}
libdir=$libdir
includedir=$includedir

Name: sipcert
Description: RFC 5922 SIP domain certificate checks (C ABI of the sipcert Rust library)
Version: $version
Libs: -L\${libdir} -lsipcert
Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
Cflags: -I\${includedir}
EOF
echo "installed libsipcert $version into $destdir$prefix"
