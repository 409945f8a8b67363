#!/usr/bin/env bash
# Lints and compiles the public gRPC contract in proto/ with buf, offline.
#
#   scripts/buf-lint.sh
#
# - buf comes from npm (@bufbuild/buf, pinned below), installed under build/buf/.
# - The googleapis protos (google/longrunning, google/rpc, google/api, google/type)
#   are never vendored: they are unpacked from Maven's
#   com.google.api.grpc:proto-google-common-protos jar into build/googleapis-protos/
#   (the api module's Maven build does the same). If that folder is missing, this
#   script unpacks the jar from the local Maven repository, at the version the
#   Quarkus BOM named in pom.xml manages.
# Everything it writes is under build/, which is not committed.
set -euo pipefail

BUF_VERSION="1.75.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUF_PREFIX="build/buf"
BUF="$BUF_PREFIX/node_modules/.bin/buf"
GOOGLEAPIS_DIR="build/googleapis-protos"
M2_REPO="${MAVEN_REPO:-$HOME/.m2/repository}"

die() {
  echo "buf-lint: $*" >&2
  exit 1
}

# --- buf ---------------------------------------------------------------------
installed_version=""
if [[ -x "$BUF" ]]; then
  installed_version="$("$BUF" --version 2>/dev/null || true)"
fi
if [[ "$installed_version" != "$BUF_VERSION" ]]; then
  command -v npm >/dev/null || die "npm is needed to install @bufbuild/buf@$BUF_VERSION"
  echo "buf-lint: installing @bufbuild/buf@$BUF_VERSION into $BUF_PREFIX/" >&2
  mkdir -p "$BUF_PREFIX"
  npm install --prefix "$BUF_PREFIX" --no-audit --no-fund --loglevel=error \
    "@bufbuild/buf@$BUF_VERSION" >&2 \
    || die "npm install of @bufbuild/buf@$BUF_VERSION failed"
  installed_version="$("$BUF" --version 2>/dev/null || true)"
  [[ "$installed_version" == "$BUF_VERSION" ]] \
    || die "expected buf $BUF_VERSION in $BUF, found '${installed_version:-nothing}'"
fi

# --- googleapis protos ---------------------------------------------------------
# The version of proto-google-common-protos that the Quarkus BOM manages.
common_protos_version() {
  local quarkus_version bom
  quarkus_version="$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' pom.xml | head -n 1)"
  [[ -n "$quarkus_version" ]] || return 1
  bom="$M2_REPO/io/quarkus/platform/quarkus-bom/$quarkus_version/quarkus-bom-$quarkus_version.pom"
  [[ -f "$bom" ]] || return 1
  # The <version> right after <artifactId>proto-google-common-protos</artifactId>.
  awk '/<artifactId>proto-google-common-protos<\/artifactId>/ { found = 1; next }
       found && /<version>/ { gsub(/.*<version>|<\/version>.*/, ""); print; exit }' "$bom"
}

unpack_googleapis() {
  local version jar tmp
  version="$(common_protos_version || true)"
  [[ -n "$version" ]] || return 1
  jar="$M2_REPO/com/google/api/grpc/proto-google-common-protos/$version/proto-google-common-protos-$version.jar"
  [[ -f "$jar" ]] || return 1
  echo "buf-lint: unpacking $(basename "$jar") into $GOOGLEAPIS_DIR/" >&2
  mkdir -p build
  tmp="$(mktemp -d build/googleapis-protos.XXXXXX)"
  if command -v unzip >/dev/null; then
    unzip -q -o "$jar" '*.proto' -d "$tmp"
  else
    (cd "$tmp" && jar xf "$jar" && find . -type f ! -name '*.proto' -delete)
  fi
  rm -rf "$GOOGLEAPIS_DIR"
  mv "$tmp" "$GOOGLEAPIS_DIR"
}

if [[ ! -f "$GOOGLEAPIS_DIR/google/longrunning/operations.proto" ]]; then
  unpack_googleapis || die "$GOOGLEAPIS_DIR/ is missing and no proto-google-common-protos jar was found in $M2_REPO.
  Run the api module's Maven build first (it unpacks the jar there), e.g.
    ./mvnw -q -pl api generate-sources
  or fetch the jar at the version the Quarkus BOM manages:
    mvn dependency:get -Dartifact=com.google.api.grpc:proto-google-common-protos:<version>"
fi

# --- lint and build --------------------------------------------------------------
echo "buf-lint: buf format (check only; fix with: $BUF format -w proto)" >&2
"$BUF" format --diff --exit-code proto
echo "buf-lint: buf lint" >&2
"$BUF" lint
echo "buf-lint: buf build" >&2
"$BUF" build --output "$BUF_PREFIX/voxelflow-image.binpb"
echo "buf-lint: OK (buf $BUF_VERSION; formatted, lint clean, image $BUF_PREFIX/voxelflow-image.binpb)" >&2
