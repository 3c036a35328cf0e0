#!/bin/bash
# Plain MkDocs and Tongda built one after the other, several times, in a folder that
# bench/build.py prepared (--keep DIR): the spread of a machine whose speed moves.
#   bench/interleaved.sh DIR/2978 [rounds]
set -u
cd "$1"
BIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin"
for i in $(seq "${2:-3}"); do
  /usr/bin/time -f "plain MkDocs %e s" "$BIN/mkdocs" build -q -f mkdocs.yml 2>&1 | tail -1
  law=$(ls content/policies/*.md | sed -n "$((i * 37))p")
  printf '\n\n为计时追加的一段文字%s。\n' "$i" >> "$law"
  /usr/bin/time -f "Tongda, one edit %e s" "$BIN/tongda" build -f tongda-full.yml 2>&1 | tail -1
done
