#!/usr/bin/env bash
# Crash safety of `storyline ingest`: kill -9 at random moments, many times, then check
# that the store opens, holds every article the killed runs reported committed (their
# --progress-file lines), never holds one twice, and that the next ingest resumes and
# completes it.
#
# usage: tests/crash/crash_test.sh BUILD_DIR [KILLS] [ARTICLES] [SEED]
set -euo pipefail
BUILD=${1:-build}
KILLS=${2:-10}
N=${3:-3000}
SEED=${4:-$RANDOM}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "$BUILD" && pwd)/storyline
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/storyline-crash.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
DB=$WORK/store.db
FEED=$WORK/feed.jsonl
$PY "$ROOT/tests/lib/gen_articles.py" "$N" "$FEED" --seed 7

echo "crash test: $KILLS kills of an ingest of $N articles (seed $SEED)"
RANDOM=$SEED
check() {  # $1 = minimum number of articles that must be in the store
  $PY - "$DB" "$1" "$FEED" <<'PY'
import json, sqlite3, sys
db, want, feed = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = sqlite3.connect(db)
ok = c.execute("PRAGMA integrity_check").fetchone()[0]
assert ok == "ok", f"integrity_check: {ok}"
# Killed before the schema's transaction committed: an empty database, which the next
# ingest takes as a new store. Only when nothing was reported committed.
if c.execute("SELECT count(*) FROM sqlite_master WHERE name='articles'").fetchone()[0] == 0:
    assert want == 0, f"no articles table, but {want} articles were reported committed"
    assert c.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0, "a partial schema"
    print(0)
    sys.exit(0)
ids = [r[0] for r in c.execute("SELECT id FROM articles ORDER BY seq")]
assert len(ids) == len(set(ids)), "an article is stored twice"
assert len(ids) >= want, f"store holds {len(ids)} articles, but {want} were reported committed"
order = [json.loads(l)["id"] for l in open(feed, encoding="utf-8")]
# Batches commit in input order: the store holds a prefix of the feed.
assert ids == order[:len(ids)], "the store is not a prefix of the feed"
# Every stored article has its story written in the same transaction.
orphans = c.execute("SELECT count(*) FROM articles WHERE story IS NULL OR story NOT IN (SELECT id FROM stories) AND story NOT IN (SELECT from_story FROM story_merges)").fetchone()[0]
assert orphans == 0, f"{orphans} articles without their story"
fts = c.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
print(len(ids))
PY
}

reported=0
for k in $(seq 1 "$KILLS"); do
  rm -f "$WORK/progress"
  "$BIN" ingest --db "$DB" --batch 100 --batch-seconds 0.2 --progress-file "$WORK/progress" -q "$FEED" \
    > "$WORK/out" 2> "$WORK/err" &
  pid=$!
  # A random moment: every other kill during start-up (opening, migrating, restoring
  # the engine), the others a random time after a random number of commits of this run
  # (inside a batch, between batches, while the snapshot is written).
  if [ $((k % 2)) -eq 1 ]; then
    sleep "$(printf '0.%03d' $((RANDOM % 1000)))"
  else
    want=$((RANDOM % 5 + 1))
    for _ in $(seq 3000); do
      [ -f "$WORK/progress" ] && [ "$(wc -l < "$WORK/progress")" -ge "$want" ] && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.01
    done
    sleep "$(printf '0.%03d' $((RANDOM % 400)))"
  fi
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -s "$WORK/progress" ]; then
    r=$(tail -1 "$WORK/progress" | awk '{print $4}')
    [ "$r" -gt "$reported" ] && reported=$r
  fi
  have=$(check "$reported") || { echo "FAIL after kill $k"; exit 1; }
  echo "kill $k: store holds $have articles (at least $reported reported committed)"
done
"$BIN" ingest --db "$DB" -q "$FEED" > "$WORK/out" 2> "$WORK/err" || { cat "$WORK/err"; exit 1; }
have=$(check "$N") || { echo "FAIL: the resumed ingest did not complete the store"; exit 1; }
[ "$have" -eq "$N" ] || { echo "FAIL: $have articles, expected $N"; exit 1; }
"$BIN" stories --db "$DB" --json > /dev/null
echo "crash test passed: $KILLS kills, store complete with $have articles after resuming"
