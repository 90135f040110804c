#!/usr/bin/env python3
"""Writes N synthetic but varied news-like articles as JSONL (for store tests that need
volume: crash safety, concurrent readers, load). Deterministic for a given seed.

usage: gen_articles.py N OUT.jsonl [--seed S] [--prefix P]
"""
import argparse
import datetime
import json
import random

PLACES = ["Seoul", "Moscow", "Tokyo", "Berlin", "Nairobi", "Lima", "Ottawa", "Canberra",
          "Oslo", "Cairo", "Jakarta", "Madrid", "Hanoi", "Accra", "Quito", "Riga"]
PEOPLE = ["Anna Keller", "Tomas Ruiz", "Mei Tanaka", "Omar Haddad", "Lena Fischer",
          "Kwame Mensah", "Sofia Rossi", "Ivan Petrov", "Grace Liu", "Pablo Vega"]
TOPICS = [
    ("port strike", ["dockworkers", "wages", "shipping", "union", "containers", "talks"]),
    ("flood", ["rainfall", "evacuated", "river", "rescue", "damage", "villages"]),
    ("election", ["ballots", "turnout", "candidate", "parliament", "coalition", "polls"]),
    ("earthquake", ["magnitude", "aftershocks", "collapsed", "epicentre", "injured", "quake"]),
    ("trade deal", ["tariffs", "exports", "negotiators", "agreement", "imports", "ministers"]),
    ("wildfire", ["hectares", "firefighters", "blaze", "winds", "evacuation", "smoke"]),
    ("rate decision", ["inflation", "central", "bank", "basis", "points", "economists"]),
    ("vaccine rollout", ["doses", "clinics", "health", "officials", "appointments", "supply"]),
]
FILLER = ["said", "on", "Monday", "officials", "reported", "according", "to", "local",
          "media", "while", "the", "government", "promised", "further", "measures", "after",
          "week", "of", "pressure", "from", "residents", "and", "business", "groups"]


def article(rng, i, prefix):
    topic, words = rng.choice(TOPICS)
    place = rng.choice(PLACES)
    person = rng.choice(PEOPLE)
    n = rng.randint(3, 6)
    paras = []
    for _ in range(n):
        sent = []
        for _ in range(rng.randint(2, 4)):
            ws = [rng.choice(words if rng.random() < 0.4 else FILLER) for _ in range(rng.randint(8, 18))]
            ws[0] = ws[0].capitalize()
            if rng.random() < 0.3:
                ws.insert(rng.randint(1, len(ws) - 1), place)
            if rng.random() < 0.2:
                ws.insert(rng.randint(1, len(ws) - 1), person)
            ws.append(str(rng.randint(10, 9999)))
            sent.append(" ".join(ws) + ".")
        paras.append(" ".join(sent))
    day = datetime.date(2020, 1, 1) + datetime.timedelta(days=i // 40)
    return {
        "id": f"{prefix}{i:07d}",
        "title": f"{place} {topic}: {person} {rng.choice(words)} {i}",
        "text": "\n\n".join(paras),
        "source": rng.choice(["Wire A", "Wire B", "Daily C", "Site D"]),
        "published": day.isoformat() + "T%02d:%02d:00Z" % (rng.randint(0, 23), rng.randint(0, 59)),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="g")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8") as f:
        for i in range(args.n):
            f.write(json.dumps(article(rng, i, args.prefix), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
