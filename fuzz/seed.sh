#!/usr/bin/env bash
# Builds the seed corpora fuzz/corpus/<target>/ (generated, not committed)
# from the project's own LeanOS files (examples/, tests/fixtures/, the
# regression fixtures in server/tests/fuzz/), the TOML examples of the
# README and the rule pages, and ../shared/corpus/lean-os when it is
# there. Each run starts the corpora afresh.
#
#   lower      one file: a selector byte (its path kind, the index in
#              harness/paths.rs TABLE; kind_of below keeps the same order)
#              and the file's bytes
#   config     a leanos.toml
#   workspace  a thread's files with the Canvas of its tree, each as
#              [selector][u16 LE length][bytes] (src/generate.rs)
#   session    the workspace seeds (arbitrary reads them as it can)
#   framing    a few client input streams and bodies (harness/framing.rs)
set -euo pipefail
cd "$(dirname "$0")"
repo=..
out=corpus
rm -rf "$out"
mkdir -p "$out/lower" "$out/config" "$out/workspace" "$out/session" "$out/framing"

roots=("$repo/examples" "$repo/tests/fixtures")
if [ -d "$repo/../shared/corpus/lean-os" ]; then
  roots+=("$repo/../shared/corpus/lean-os")
else
  echo "seed.sh: ../shared/corpus/lean-os is absent: seeding from the repository only" >&2
fi

# The TABLE index of a file's path kind (harness/paths.rs).
kind_of() {
  local p="/$1" b="${1##*/}"
  case "$p" in
    */leanos.toml) echo 13; return ;;
    */archive/*) echo 23; return ;;
    */narratives/*) echo 28; return ;;
    */5-actions/*.md) echo 14; return ;;
    */strategy/goals/completed/* | */strategy/goals/archive/* | */strategy/goals/abandoned/*) echo 25; return ;;
    */strategy/goals/*) echo 10; return ;;
    */canvas/index.md) echo 11; return ;;
    */canvas/09*) echo 8; return ;;
    */canvas/10.assumptions_*) echo 24; return ;;
    */canvas/10*) echo 9; return ;;
    */canvas/*.md) echo 17; return ;;
  esac
  case "$b" in
    1-input.md) echo 0 ;;
    2-hypothesis.md) echo 1 ;;
    3-implication.md) echo 2 ;;
    4-decision.md) echo 3 ;;
    5-actions.md) echo 4 ;;
    6-learning.md) echo 5 ;;
    meta.json) echo 6 ;;
    metadata.yaml) echo 7 ;;
    2-hypotesis.md) echo 15 ;;
    7-learning.md | 6-results.md) echo 16 ;;
    index.md) echo 26 ;;
    README.md) echo 27 ;;
    *.md) echo 12 ;;
    *) echo 29 ;;
  esac
}

byte() { printf "\\x$(printf %02x "$1")"; }

# One packed file of a workspace input: selector, length, bytes.
pack() {
  local file="$1" rel="$2" size
  size=$(wc -c <"$file")
  [ "$size" -gt 65535 ] && size=65535
  byte "$(kind_of "$rel")"
  byte $((size & 255))
  byte $((size >> 8))
  head -c "$size" "$file"
}

name() { cksum | awk '{print $1 "-" $2}'; }

lowered=0 packed=0
for root in "${roots[@]}"; do
  [ -d "$root" ] || continue
  # lower: every markdown, metadata and TOML file up to 64 KiB.
  while IFS= read -r -d '' file; do
    rel="${file#"$root"/}"
    { byte "$(kind_of "$rel")"; cat "$file"; } >"$out/lower/tmp"
    mv "$out/lower/tmp" "$out/lower/$(name <"$out/lower/tmp")"
    lowered=$((lowered + 1))
  done < <(find "$root" -type f \( -name '*.md' -o -name 'meta.json' -o -name 'metadata.yaml' -o -name '*.toml' \) -size -64k -print0)
  # workspace: every folder holding a stage or metadata file, with the
  # Canvas files of the tree it belongs to.
  while IFS= read -r -d '' folder; do
    tree="${folder%%/threads/*}"
    {
      find "$tree" -path '*/strategy/canvas/*' -type f \( -name '09*' -o -name '10*' \) -size -64k | head -n 3
      find "$folder" -maxdepth 2 -type f \( -name '*.md' -o -name 'meta.json' -o -name 'metadata.yaml' \) -size -64k | head -n 9
    } >"$out/files"
    {
      while IFS= read -r file; do
        pack "$file" "${file#"$tree"/}"
      done <"$out/files"
    } >"$out/workspace/tmp"
    if [ -s "$out/workspace/tmp" ]; then
      mv "$out/workspace/tmp" "$out/workspace/$(name <"$out/workspace/tmp")"
      packed=$((packed + 1))
    fi
  done < <(find "$root" -path '*/threads/*' -type d -print0)
done
rm -f "$out/files" "$out/workspace/tmp"

# Regression fixtures: raw inputs of lower and config, folders of workspace.
for target in lower config; do
  if [ -d "$repo/server/tests/fuzz/$target" ]; then
    cp "$repo/server/tests/fuzz/$target"/* "$out/$target"/ 2>/dev/null || true
  fi
done
if [ -d "$repo/server/tests/fuzz/workspace" ]; then
  for fixture in "$repo/server/tests/fuzz/workspace"/*/; do
    [ -d "$fixture" ] || continue
    while IFS= read -r -d '' file; do
      pack "$file" "${file#"$fixture"}"
    done < <(find "$fixture" -type f -print0) >"$out/workspace/fixture-$(basename "$fixture")"
  done
fi

# config: the TOML blocks of the README and the rule pages, and a few of
# every section.
awk -v dir="$out/config" '
  /^```toml/ { n++; file = dir "/doc-" n; inblock = 1; next }
  /^```/ && inblock { inblock = 0; close(file); next }
  inblock { print > file }
' "$repo/README.md" "$repo"/server/src/rules/*.md
printf '[rules]\nassumption-untested = "off"\nlink-broken = "error"\n' >"$out/config/rules"
printf '[assumptions]\nprefixes = ["A", "H", "T"]\n[paths]\ncanvas = "strategy/canvas"\nthreads = "threads"\ngoals = "strategy/goals"\n' >"$out/config/paths"
printf '[threads]\ntypes = ["legal"]\n[decisions]\napproval_threshold = 0.8\n' >"$out/config/threads"
printf '[files]\nignore = ["drafts/**"]\nmax_size = 4194304\ninclude = ["strategy/**", "threads/**"]\nexclude = [".*/**"]\n' >"$out/config/files"
printf 'watcher = "server"\n[documentation]\nurl = "https://example.org/rules/{code}"\n' >"$out/config/documentation"

cp "$out/workspace"/* "$out/session"/ 2>/dev/null || true

# framing: [capacity][mode] then a stream (even mode) or bodies (odd):
# a client's first messages, a frame glued to garbage, a header cut off.
frame() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
opened='{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/a.md","languageId":"markdown","version":1,"text":"# A"}}}'
{ printf '\007\000'; frame "$init"; frame '{"jsonrpc":"2.0","method":"initialized","params":{}}'; frame "$opened"; } >"$out/framing/session"
{ printf '\003\000'; printf 'X-Other: 1\r\n\r\n{}garbageContent-Length: 2\r\ncontent-type: text/plain; charset=latin1\r\n\r\n{}'; frame '[1]'; printf 'Content-Length: 99'; } >"$out/framing/broken"
{ printf '\001\033'; printf '\002{}\005[1,2]\000'; } >"$out/framing/bodies"
if [ -d "$repo/server/tests/fuzz/framing" ]; then
  cp "$repo/server/tests/fuzz/framing"/* "$out/framing"/ 2>/dev/null || true
fi

echo "seeds: lower $(ls "$out/lower" | wc -l) (from $lowered files), config $(ls "$out/config" | wc -l), workspace $(ls "$out/workspace" | wc -l) (from $packed folders), session $(ls "$out/session" | wc -l), framing $(ls "$out/framing" | wc -l)"
