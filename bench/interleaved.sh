#!/bin/bash
# Plain MkDocs and Tongda built one after the other, several times, in a folder that
# bench/build.py prepared (--keep DIR): the spread of a machine whose speed moves.
#   bench/interleaved.sh DIR/2978 [rounds] [nocache-rounds]
# Each round: plain MkDocs, then Tongda (every plugin but audio) after one law is edited.
# Then, nocache-rounds times (default 0): plain MkDocs, then Tongda with no cache at all
# (a copy of the folder without .tongda-cache and without the previous site). A ratio is
# read against the plain MkDocs builds on either side of it.
set -u
BIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin"  # before cd: $0 may be relative
cd "$1" || exit 1
[ -x "$BIN/tongda" ] || { echo "no $BIN/tongda (run make setup)" >&2; exit 1; }
"$BIN/tongda" build -f tongda-full.yml > /dev/null 2>&1  # the state of this code's version
for i in $(seq "${2:-3}"); do
  /usr/bin/time -f "plain MkDocs %e s" "$BIN/mkdocs" build -q -f mkdocs.yml 2>&1 | tail -1
  law=$(ls content/policies/*.md | sed -n "$((i * 37))p")
  printf '\n\n为计时追加的一段文字%s。\n' "$i" >> "$law"
  /usr/bin/time -f "Tongda, one edit %e s" "$BIN/tongda" build -f tongda-full.yml 2>&1 | tail -1
done
if [ "${3:-0}" -gt 0 ]; then
  bare=$(mktemp -d)
  cp -r content tongda-full.yml "$bare"/
  [ -d var ] && cp -r var "$bare"/
  for i in $(seq "$3"); do
    /usr/bin/time -f "plain MkDocs %e s" "$BIN/mkdocs" build -q -f mkdocs.yml 2>&1 | tail -1
    rm -rf "$bare/.tongda-cache" "$bare/out-full"
    (cd "$bare" && /usr/bin/time -f "Tongda, no cache %e s (user %U s, system %S s)" \
      "$BIN/tongda" build -f tongda-full.yml 2>&1 | tail -1)
  done
  /usr/bin/time -f "plain MkDocs %e s" "$BIN/mkdocs" build -q -f mkdocs.yml 2>&1 | tail -1
  rm -rf "$bare"
fi
