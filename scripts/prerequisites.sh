#!/usr/bin/env bash
# Installs what the tests need beyond a JDK, on a fresh Debian machine of this kind:
#   - kubectl (Debian's kubernetes-client) to render k8s/ offline with `kubectl kustomize`;
#   - buf from npm (scripts/buf-lint.sh installs it under build/buf on first use);
#   - Node.js + npm (Debian) if missing, for buf.
# Idempotent: does nothing when everything is present.
set -euo pipefail

need_apt=()
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)

if ((${#need_apt[@]} > 0)); then
  echo "prerequisites: installing ${need_apt[*]} with apt-get" >&2
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi
