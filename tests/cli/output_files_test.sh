#!/usr/bin/env bash
# The CLI's output files (tools/common.h, OutputFile): `-o` may name an input,
# which is read whole before it is replaced; a run that fails leaves the file as
# it was and no new file behind; a symbolic link's target is replaced and the
# link kept; the permissions of a replaced file are kept; devices and standard
# output are written in place. On the repository's demo articles.
#
# usage: tests/cli/output_files_test.sh BUILD_DIR
set -uo pipefail
BIN=$(cd "$1" && pwd)/storyline
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/storyline-outputs.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

"$BIN" dedup "$ROOT/demo" -o feed.jsonl 2>/dev/null || fail "dedup of demo/: exit $?"
n=$(wc -l < feed.jsonl)
[ "$n" -ge 3 ] || fail "demo/ gave $n articles"
cp feed.jsonl copy.jsonl
"$BIN" dedup copy.jsonl -o ref.jsonl --clusters ref.clusters 2>/dev/null || fail "reference run: exit $?"
[ -s ref.jsonl ] || fail "the reference run wrote nothing"

# -o naming the input: the input is read whole, then replaced.
"$BIN" dedup feed.jsonl -o feed.jsonl --clusters c.jsonl 2>/dev/null || fail "dedup in place: exit $?"
cmp -s feed.jsonl ref.jsonl || fail "dedup in place wrote other than a run writing elsewhere"
cmp -s c.jsonl ref.clusters || fail "dedup in place: other clusters"
cp copy.jsonl clean.jsonl
"$BIN" clean copy.jsonl -o clean-ref.jsonl 2>/dev/null || fail "clean: exit $?"
"$BIN" clean clean.jsonl -o clean.jsonl 2>/dev/null || fail "clean in place: exit $?"
[ -s clean.jsonl ] && cmp -s clean.jsonl clean-ref.jsonl || fail "clean in place wrote other than a run writing elsewhere"

# A run that fails after opening its output leaves the file as it was.
echo before > keep.txt
chmod 640 keep.txt
if "$BIN" dedup copy.jsonl -o keep.txt --clusters "$W/no/such/folder/c.jsonl" 2>err.txt; then
  fail "a clusters file in a missing folder did not fail"
fi
[ "$(cat keep.txt)" = before ] || fail "a failed run changed its output file"
grep -q "no/such/folder/c.jsonl" err.txt || fail "the error does not name the file: $(cat err.txt)"

# A replaced file keeps its permissions.
"$BIN" dedup copy.jsonl -o keep.txt 2>/dev/null || fail "dedup -o keep.txt: exit $?"
cmp -s keep.txt ref.jsonl || fail "keep.txt not replaced"
[ "$(stat -c %a keep.txt)" = 640 ] || fail "permissions $(stat -c %a keep.txt), not 640"

# Through a symbolic link: its target replaced, the link kept.
echo old > target.jsonl
ln -s target.jsonl link.jsonl
"$BIN" dedup copy.jsonl -o link.jsonl 2>/dev/null || fail "dedup -o link.jsonl: exit $?"
[ -L link.jsonl ] || fail "the link was replaced by a file"
cmp -s target.jsonl ref.jsonl || fail "the link's target not replaced"

# Devices and standard output, in place.
"$BIN" dedup copy.jsonl -o /dev/null 2>/dev/null || fail "dedup -o /dev/null: exit $?"
"$BIN" dedup copy.jsonl -o - 2>/dev/null | cmp -s - ref.jsonl || fail "dedup -o - differs"

# --rejects naming an input: the input is read whole, then replaced by the
# records it rejected (as -o would be), in every command that takes --rejects.
bad='{"id": "broken", "text": '
for cmd in dedup cluster clean; do
  cp copy.jsonl v.jsonl
  echo "$bad" >> v.jsonl
  "$BIN" $cmd v.jsonl -o o.jsonl --rejects v.jsonl 2>err.txt
  status=$?
  [ $status -eq 3 ] || fail "$cmd --rejects naming its input: exit $status: $(cat err.txt)"
  [ "$(cat v.jsonl)" = "$bad" ] || fail "$cmd --rejects naming its input left: $(head -c 200 v.jsonl)"
  [ "$(wc -l < o.jsonl)" -eq "$n" ] || fail "$cmd --rejects naming its input: $(wc -l < o.jsonl) lines out, not $n"
done
cp copy.jsonl v.jsonl
echo "$bad" >> v.jsonl
"$BIN" ingest --db v.db v.jsonl --rejects v.jsonl -q >/dev/null 2>err.txt
status=$?
[ $status -eq 3 ] || fail "ingest --rejects naming its input: exit $status: $(cat err.txt)"
[ "$(cat v.jsonl)" = "$bad" ] || fail "ingest --rejects naming its input left: $(head -c 200 v.jsonl)"
rm -f v.db v.db-wal v.db-shm
printf '%s\n%s\n' '{"id_a": "a", "text_a": "Kim Jong Un returned home.", "id_b": "b", "text_b": "Kim Jong Un is back home."}' "$bad" > p.jsonl
"$BIN" similarity p.jsonl -o s.jsonl --rejects p.jsonl 2>err.txt
status=$?
[ $status -eq 3 ] || fail "similarity --rejects naming its input: exit $status: $(cat err.txt)"
[ "$(cat p.jsonl)" = "$bad" ] || fail "similarity --rejects naming its input left: $(cat p.jsonl)"
[ "$(wc -l < s.jsonl)" -eq 1 ] || fail "similarity wrote $(wc -l < s.jsonl) scores, not 1"

# cluster with a report it cannot write: every output is opened before any is
# committed, so -o is left as it was.
echo before > a.jsonl
if "$BIN" cluster copy.jsonl -o a.jsonl --report "$W/no/such/folder/r.md" 2>err.txt; then
  fail "a report in a missing folder did not fail"
fi
[ "$(cat a.jsonl)" = before ] || fail "cluster changed -o although its report could not be written"

# Stopped by a signal while it reads (standard input held open): the file as
# it was, and the new file removed. Job control on, so that the background run
# does not start with SIGINT ignored, as a script's background jobs do.
set -m
for sig in INT TERM HUP; do
  echo before > stopped.txt
  mkfifo feed.fifo
  "$BIN" dedup - -o stopped.txt < feed.fifo 2>/dev/null &
  pid=$!
  exec 3> feed.fifo  # the writer's end: dedup now reads and waits for more
  cat copy.jsonl >&3
  for _ in $(seq 50); do  # until its new file is there
    [ -n "$(ls -A | grep '^\.stopped' || true)" ] && break
    sleep 0.1
  done
  [ -n "$(ls -A | grep '^\.stopped' || true)" ] || fail "SIG$sig: no new file while running"
  kill -$sig $pid
  for _ in $(seq 50); do
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 $pid 2>/dev/null; then
    kill -9 $pid
    fail "SIG$sig did not stop dedup"
  fi
  wait $pid
  status=$?
  exec 3>&-
  rm -f feed.fifo
  [ $status -gt 128 ] || fail "SIG$sig: exit $status, not killed by the signal"
  [ "$(cat stopped.txt)" = before ] || fail "SIG$sig: the output file changed"
done
set +m

# No new file left behind by any of these runs.
left=$(ls -A | grep '^\.' || true)
[ -z "$left" ] || fail "left behind: $left"
echo "output files: ok"
