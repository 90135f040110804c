#!/usr/bin/env bash
# Nonsense options are refused before any input is read: exit 1 (a usage error,
# INTERFACE.md) and a message naming the option; nothing is written.
#
# usage: tests/cli/bad_options_test.sh BUILD_DIR
set -uo pipefail
BIN=$(cd "$1" && pwd)/storyline
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/storyline-options.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

refused() {  # OPTION-NAME COMMAND...
  local name=$1
  shift
  "$BIN" "$@" >out.txt 2>err.txt
  local status=$?
  [ $status -eq 1 ] || fail "$* : exit $status, not 1: $(head -c 300 err.txt)"
  grep -q -- "$name" err.txt || fail "$* : the message does not name $name: $(head -c 300 err.txt)"
  [ ! -e o.jsonl ] || fail "$* : wrote o.jsonl"
}

refused --threads dedup "$ROOT/demo" -o o.jsonl --threads 70000
refused --threads cluster "$ROOT/demo" -o o.jsonl --threads 100000
refused --threads similarity "$ROOT/demo" -o o.jsonl --threads 99999
refused --threshold dedup "$ROOT/demo" -o o.jsonl --threshold nan
refused --threshold dedup "$ROOT/demo" -o o.jsonl --threshold inf
refused --threshold cluster "$ROOT/demo" -o o.jsonl --threshold nan
refused --threshold cluster "$ROOT/demo" -o o.jsonl --threshold 1.5
refused --topic-threshold cluster "$ROOT/demo" -o o.jsonl --topic-threshold -0.2
refused --window-days cluster "$ROOT/demo" -o o.jsonl --window-days -5
refused --window-days cluster "$ROOT/demo" -o o.jsonl --window-days 0
refused --batch-seconds ingest --db o.db "$ROOT/demo" --batch-seconds nan
[ ! -e o.db ] || fail "ingest with a refused option created its store"
# In range, they are taken.
"$BIN" cluster "$ROOT/demo" -o a.jsonl --threads 2 --threshold 0.5 --window-days 30 2>/dev/null ||
  fail "cluster with options in range: exit $?"
[ "$(wc -l < a.jsonl)" -eq 5 ] || fail "cluster with options in range wrote $(wc -l < a.jsonl) lines"
echo "bad options: ok"
