#!/usr/bin/env bash
# Builds the JNI shims used by io.voxelflow.loadtests.inflate:
#   libvoxelflow_isal.so        streaming gzip inflate via ISA-L (IsalGzipInputStream)
#   libvoxelflow_libdeflate.so  whole-buffer gunzip via libdeflate, benchmark ceiling only
#                               (built only when libdeflate.h is present)
#
# Needs at build time:  gcc, a JDK (JAVA_HOME), libisal-dev [, libdeflate-dev]
# Needs at run time:    libisal2 (libisal.so.2) [, libdeflate0]
#   Debian: apt-get install -y gcc libisal-dev libdeflate-dev
#
# Usage: loadtests/native/build-isal-shim.sh [OUT_DIR]   (default: loadtests/target/native)
# Then:  java -Djava.library.path=OUT_DIR ...   (or -Dvoxelflow.isal.lib=OUT_DIR/libvoxelflow_isal.so)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../target/native}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
CC="${CC:-gcc}"
CFLAGS=(-O2 -fPIC -shared -Wall -Wextra -std=c11
  -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/linux")
# --no-undefined: fail the link, not the JVM, if a symbol is missing.
# -z now: resolve every symbol when Java loads the library, so a broken or absent libisal
# surfaces as an UnsatisfiedLinkError from System.load (caught -> java.util.zip fallback)
# instead of a "symbol lookup error" that kills the JVM on the first inflate call.
LDFLAGS=(-Wl,--no-undefined -Wl,-z,now)

if [[ ! -f "$JAVA_HOME/include/jni.h" ]]; then
  echo "build-isal-shim: no jni.h under JAVA_HOME=$JAVA_HOME (set JAVA_HOME to a JDK)" >&2
  exit 1
fi
if [[ ! -f /usr/include/isa-l/igzip_lib.h ]]; then
  echo "build-isal-shim: ISA-L headers missing; apt-get install -y libisal-dev" >&2
  exit 1
fi

mkdir -p "$OUT"
"$CC" "${CFLAGS[@]}" -o "$OUT/libvoxelflow_isal.so" "$HERE/isal_gzip_shim.c" "${LDFLAGS[@]}" -lisal
echo "built $OUT/libvoxelflow_isal.so"

if [[ -f /usr/include/libdeflate.h ]]; then
  "$CC" "${CFLAGS[@]}" -o "$OUT/libvoxelflow_libdeflate.so" "$HERE/libdeflate_gunzip_shim.c" "${LDFLAGS[@]}" -ldeflate
  echo "built $OUT/libvoxelflow_libdeflate.so"
else
  echo "libdeflate.h not found: skipping the libdeflate ceiling shim (apt-get install -y libdeflate-dev)"
fi
