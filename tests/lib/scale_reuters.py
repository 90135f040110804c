#!/usr/bin/env python3
"""Streams a scaled Reuters-21578 feed as JSONL on stdout: COPIES passes over the
21,578 wire stories, each pass dated a year later with planted edits (a word changed,
a sentence dropped or a line added), so no two records have the same id or content.
For store and server benchmarks (start time on a large store, load during ingest).

usage: scale_reuters.py DATA.jsonl N [--seed S]     (N articles in all)
"""
import json
import random
import sys


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" else 1
    rng = random.Random(seed)
    base = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("text"):
                base.append(r)
    base.sort(key=lambda r: r.get("published") or r.get("date") or "")  # a time-ordered stream
    out = sys.stdout
    made = 0
    copy = 0
    while made < n:
        for r in base:
            if made >= n:
                break
            text = r["text"]
            if copy:
                words = text.split(" ")
                i = rng.randrange(len(words))
                words[i] = rng.choice(["reportedly", "officially", "again", "further", "also"])
                text = " ".join(words) + f"\n(Edition {copy}.)"
            published = r.get("published") or r.get("date") or ""
            if copy and len(published) >= 4 and published[:4].isdigit():
                published = str(int(published[:4]) + copy) + published[4:]
            rec = {"id": f"r{copy}-{r['id']}", "title": r.get("title", ""), "text": text,
                   "source": f"Reuters ed. {copy % 7}", "published": published}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            made += 1
        copy += 1


if __name__ == "__main__":
    main()
