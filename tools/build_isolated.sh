#!/usr/bin/env bash
# Build the book strictly in a private copy of the tree, so that several
# people (or agents) can check their chapters at once without sharing _build/.
# Usage: tools/build_isolated.sh OUTDIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: tools/build_isolated.sh OUTDIR}"
rm -rf "$out/src" && mkdir -p "$out/src"
tar -C "$root" --exclude ./.venv --exclude ./_build --exclude ./.git --exclude ./vendor/node_modules \
  --exclude ./exercises/release --exclude ./exercises/submitted --exclude ./exercises/autograded \
  --exclude ./exercises/feedback --exclude ./var -cf - . | tar -C "$out/src" -xf -
cd "$out/src"
"$root/.venv/bin/jupyter-book" build . -W -n --keep-going
echo "Bygget: $out/src/_build/html"
