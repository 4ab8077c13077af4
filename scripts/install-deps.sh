#!/usr/bin/env bash
# Installs the Debian packages the pipeline needs, only those that are missing.
# Needs root for apt-get; without it, prints the command to run instead.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
while read -r package; do
  [ -z "$package" ] && continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done < scripts/apt-packages.txt
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: not root; run this and then make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
