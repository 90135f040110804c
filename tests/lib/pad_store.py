#!/usr/bin/env python3
"""Pads a store made by `storyline ingest` to TOTAL articles by copying its articles,
stories and members under new ids (for start-time benchmarks on a
large store without clustering a million articles first). The engine snapshot is
marked as covering every padded row, as after a completed ingest.

usage: pad_store.py STORE.db TOTAL
"""
import sqlite3
import sys
import time

db, total = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA synchronous=OFF")
n0 = c.execute("SELECT count(*) FROM articles").fetchone()[0]
seq0 = c.execute("SELECT max(seq) FROM articles").fetchone()[0]
max_story = c.execute("SELECT coalesce(max(id),0) FROM stories").fetchone()[0] + 1
cols = [r[1] for r in c.execute("PRAGMA table_info(articles)") if r[1] != "seq"]
t0 = time.time()
k = 1
have = n0
while have < total:
    take = min(n0, total - have)
    off = k * max_story
    c.execute("BEGIN")
    sel = ", ".join(
        {"id": f"'p{k}-' || id", "content_hash": f"content_hash + {k}",
         "story": f"story + {off}", "of_id": f"CASE WHEN of_id IS NULL THEN NULL ELSE 'p{k}-' || of_id END"}.get(col, col)
        for col in cols)
    c.execute(f"INSERT INTO articles({', '.join(cols)}) SELECT {sel} FROM articles WHERE seq <= ? ORDER BY seq LIMIT ?",
              (seq0, take))
    c.execute(f"""INSERT INTO stories SELECT id + {off}, title, topic, original, first_seen, last_seen,
                  sort_key, member_count, sources, summary FROM stories WHERE id < {max_story}""")
    c.execute(f"""INSERT INTO story_members SELECT story + {off}, pos, 'p{k}-' || article_id, relation,
                  CASE WHEN of_id IS NULL THEN NULL ELSE 'p{k}-' || of_id END, score, time, date_evidence
                  FROM story_members WHERE story < {max_story}""")
    c.execute("COMMIT")
    have += take
    k += 1
    print(f"pad: {have} articles ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
last = c.execute("SELECT max(seq) FROM articles").fetchone()[0]
c.execute("UPDATE engine_state SET seq = ?", (last,))
c.commit()
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(have)
