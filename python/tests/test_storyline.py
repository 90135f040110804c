"""storyline's Python module on the seed articles (demo/), checked against the CLI."""
import json
import subprocess
import threading
import time

import pytest

import storyline
from conftest import (COMMENTARY, DEMO, HEAVY, OLDER, ORIGINAL, REWRITE, SEEDS, cli_path,
                      read_jsonl, run_cli)


# ---- dedup -------------------------------------------------------------------

def test_dedup_removes_exact_and_lightly_edited_copies(corpus):
    kept, clusters = storyline.dedup(corpus, with_clusters=True)
    assert [a["id"] for a in kept] == [s.stem for s in SEEDS]
    by_id = {c["id"]: c for c in clusters}
    assert by_id["900_copy_of_002"]["relation"] == "duplicate"
    assert by_id["900_copy_of_002"]["of"] == ORIGINAL
    assert by_id["901_edit_of_003"]["relation"] == "near-duplicate"
    assert by_id["901_edit_of_003"]["of"] == COMMENTARY
    assert 0.8 <= by_id["901_edit_of_003"]["similarity"] < 1
    # The rewrites are not copies: word overlap alone does not join them.
    assert by_id[REWRITE]["kept"] and by_id[HEAVY]["kept"]


def test_dedup_gives_what_the_cli_writes(corpus, tmp_path):
    run_cli("dedup", corpus, "-o", tmp_path / "k.jsonl", "--clusters", tmp_path / "c.jsonl",
            "--threads", 2)
    kept, clusters = storyline.dedup([corpus], with_clusters=True, threads=1)
    assert kept == read_jsonl(tmp_path / "k.jsonl")
    assert clusters == read_jsonl(tmp_path / "c.jsonl")


def test_dedup_options_reach_the_library(corpus, tmp_path):
    run_cli("dedup", corpus, "-o", tmp_path / "k.jsonl", "--clusters", tmp_path / "c.jsonl",
            "--threshold", "0.99", "--keep", "longest", "--no-containment")
    kept, clusters = storyline.dedup(corpus, with_clusters=True, threshold=0.99, keep="longest",
                                     containment=False)
    assert kept == read_jsonl(tmp_path / "k.jsonl")
    assert clusters == read_jsonl(tmp_path / "c.jsonl")
    # At 0.99 the edited copy is no longer a duplicate; the exact copy still is.
    assert "901_edit_of_003" in [a["id"] for a in kept]
    assert "900_copy_of_002" not in [a["id"] for a in kept]


def test_dedup_of_dicts_equals_the_cli_on_the_same_jsonl(seed_dicts, tmp_path):
    articles = seed_dicts + [dict(seed_dicts[2], id="copy")]
    feed = tmp_path / "feed.jsonl"
    feed.write_text(storyline.articles_jsonl(articles), encoding="utf-8")
    run_cli("dedup", feed, "-o", tmp_path / "k.jsonl", "--clusters", tmp_path / "c.jsonl")
    kept, clusters = storyline.dedup(articles, with_clusters=True)
    assert kept == read_jsonl(tmp_path / "k.jsonl")
    assert clusters == read_jsonl(tmp_path / "c.jsonl")
    assert "copy" not in [a["id"] for a in kept]


def test_dedup_reports_bad_records_and_keeps_the_good_ones(seed_dicts):
    rejects = []
    articles = [seed_dicts[0], {"id": "empty", "title": "no text"}, seed_dicts[1]]
    kept = storyline.dedup(articles, rejects=rejects)
    assert [a["id"] for a in kept] == [seed_dicts[0]["id"], seed_dicts[1]["id"]]
    assert len(rejects) == 1
    assert rejects[0]["file"] == "<articles>" and rejects[0]["line"] == 2
    assert "text" in rejects[0]["reason"]
    with pytest.warns(storyline.RejectedRecordsWarning, match="1 record"):
        storyline.dedup(articles)


def test_dedup_raises_python_errors():
    with pytest.raises(FileNotFoundError, match="no-such-file"):
        storyline.dedup("no-such-file.jsonl")
    with pytest.raises(ValueError, match="threshold"):
        storyline.dedup(DEMO, threshold=1.5)
    with pytest.raises(ValueError, match="nope"):
        storyline.dedup(DEMO, keep="nope")
    with pytest.raises(TypeError, match="threshold"):
        storyline.dedup(DEMO, threshold="high")
    with pytest.raises(TypeError, match="threshhold"):
        storyline.dedup(DEMO, threshhold=0.5)
    with pytest.raises(ValueError, match="mix"):
        storyline.dedup([str(DEMO), {"text": "x"}])


def test_globs_are_expanded_in_sorted_order():
    arts = storyline.read_articles(str(DEMO / "00[12]_*.txt"))
    assert [a["id"] for a in arts] == [REWRITE, ORIGINAL]
    assert arts[1]["title"] == "North Korea defends Russian cooperation"


# ---- cluster -----------------------------------------------------------------

def test_cluster_gives_what_the_cli_writes(corpus, tmp_path):
    run_cli("cluster", corpus, "-o", tmp_path / "a.jsonl", "--threads", 2)
    assignments = storyline.cluster(corpus, threads=1)
    assert assignments == read_jsonl(tmp_path / "a.jsonl")
    assert [a["id"] for a in assignments] == sorted(p.name[:-4] for p in corpus.glob("*.txt"))
    by_id = {a["id"]: a for a in assignments}
    # The exact copy lands in the story of what it copies.
    assert by_id["900_copy_of_002"]["story"] == by_id[ORIGINAL]["story"]


def test_cluster_of_the_seeds_groups_the_rewrites_with_the_original(tmp_path):
    run_cli("cluster", DEMO, "-o", tmp_path / "a.jsonl")
    assignments = storyline.cluster(DEMO)
    assert assignments == read_jsonl(tmp_path / "a.jsonl")
    by_id = {a["id"]: a for a in assignments}
    assert by_id[REWRITE]["story"] == by_id[ORIGINAL]["story"]


def test_cluster_report_is_markdown():
    assignments, report = storyline.cluster(DEMO, report=True)
    assert len(assignments) == 5
    assert report.lstrip().startswith("#") and "North Korea" in report


# ---- compare and similarity ------------------------------------------------

def test_compare_finds_the_rewrite_and_its_original():
    r = storyline.compare(DEMO / f"{ORIGINAL}.txt", DEMO / f"{REWRITE}.txt")
    assert r["a"] == ORIGINAL and r["b"] == REWRITE
    assert r["relation"] == "rewrite"
    assert r["original"] == ORIGINAL
    assert 0 <= r["scores"]["similarity"] <= 1
    shared = " ".join(p["text"] for p in r["shared_passages"])
    assert "quite natural and normal" in shared


def test_compare_gives_what_the_cli_writes():
    a, b = DEMO / f"{ORIGINAL}.txt", DEMO / f"{HEAVY}.txt"
    cli = json.loads(run_cli("compare", a, b, "--json").stdout)
    assert storyline.compare(a, b) == cli


def test_compare_takes_dicts_and_first_records(seed_dicts, tmp_path):
    by_id = {d["id"]: d for d in seed_dicts}
    r = storyline.compare(by_id[ORIGINAL], by_id[OLDER])
    assert r["relation"] not in ("duplicate", "near-duplicate", "rewrite")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(storyline.articles_jsonl([by_id[ORIGINAL], by_id[REWRITE]]), encoding="utf-8")
    assert storyline.compare(feed, by_id[OLDER]) == r
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(ValueError, match="no article"):
        storyline.compare(tmp_path / "empty.jsonl", by_id[OLDER])


def _pair(by_id, a, b):
    return {"id_a": a, "text_a": by_id[a]["text"], "id_b": b, "text_b": by_id[b]["text"]}


def test_similarity_ranks_the_rewrite_above_other_stories(seed_dicts):
    by_id = {d["id"]: d for d in seed_dicts}
    out = storyline.similarity([_pair(by_id, ORIGINAL, REWRITE), _pair(by_id, ORIGINAL, OLDER),
                                _pair(by_id, COMMENTARY, OLDER), _pair(by_id, ORIGINAL, ORIGINAL)])
    assert [(o["id_a"], o["id_b"]) for o in out] == [(ORIGINAL, REWRITE), (ORIGINAL, OLDER),
                                                     (COMMENTARY, OLDER), (ORIGINAL, ORIGINAL)]
    assert all(0 <= o["score"] <= 1 for o in out)
    assert out[0]["score"] > out[1]["score"]
    assert out[3]["relation"] == "duplicate"


def test_similarity_gives_what_the_cli_writes(seed_dicts, tmp_path):
    pairs = [{"id_a": a["id"], "text_a": a["text"], "id_b": b["id"], "text_b": b["text"]}
             for a in seed_dicts for b in seed_dicts if a["id"] < b["id"]]
    pairs.insert(3, {"id_a": "x", "text_a": "", "id_b": "y", "text_b": "words"})
    f = tmp_path / "pairs.jsonl"
    f.write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    r = subprocess.run([str(cli_path()), "similarity", str(f), "-o", str(tmp_path / "s.jsonl"),
                        "--batch", "4"], capture_output=True, text=True)
    assert r.returncode == 3, r.stderr  # one pair rejected
    rejects = []
    got = storyline.similarity(f, threads=1, batch=4, rejects=rejects)
    assert got == read_jsonl(tmp_path / "s.jsonl")
    assert len(got) == 10
    assert [(x["line"], x["reason"]) for x in rejects] == [(4, "missing text_a")]
    assert storyline.similarity(pairs, threads=3, batch=4, rejects=[]) == got


# ---- extract -----------------------------------------------------------------

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Kim returns from Russia | Example News</title>
<meta property="og:title" content="Kim returns from Russia">
<meta property="article:published_time" content="2023-09-25T08:15:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Kim returns from Russia</h1>
<p>North Korean leader Kim Jong Un returned home on Monday after a week-long trip to
Russia, where he met President Vladimir Putin at the Vostochny Cosmodrome.</p>
<p>The two leaders discussed military cooperation, according to state media, and Kim
invited Putin to visit Pyongyang at a convenient time.</p>
<p>South Korea's President Yoon Suk Yeol called any arms deal a direct provocation
that would threaten the security of the region and of Ukraine.</p>
</article><footer>Copyright Example News. Subscribe to our newsletter.</footer></body></html>
"""


def test_extract_finds_the_article_in_a_page(tmp_path):
    page = storyline.extract(PAGE)
    assert page["path"] is None
    assert page["title"] == "Kim returns from Russia"
    assert "Vostochny Cosmodrome" in page["text"]
    assert "Subscribe" not in page["text"] and "Home" not in page["text"]
    assert page["published"].startswith("2023-09-25")
    f = tmp_path / "kim.html"
    f.write_bytes(PAGE.encode("utf-8"))
    assert storyline.extract(f) == dict(page, path=str(f))
    assert storyline.extract(PAGE.encode("utf-8"))["text"] == page["text"]


def test_extract_gives_what_the_cli_writes(tmp_path):
    f = tmp_path / "kim.html"
    f.write_bytes(PAGE.encode("utf-8"))
    cli = json.loads(run_cli("extract", f, "--jsonl").stdout)
    assert storyline.extract(f) == cli


def test_extract_of_a_folder_reports_pages_without_an_article(tmp_path):
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body></body></html>", encoding="utf-8")
    rejects = []
    pages = storyline.extract(tmp_path, rejects=rejects)
    assert [p["path"] for p in pages] == [str(tmp_path / "a.html")]
    assert [r["file"] for r in rejects] == [str(tmp_path / "b.html")]
    with pytest.raises(ValueError):
        storyline.extract("<html><body></body></html>")


# ---- Store -------------------------------------------------------------------

def test_store_round_trip(tmp_path, seed_dicts):
    db = tmp_path / "s.db"
    with storyline.Store(db) as store:
        counts = store.ingest(DEMO)
        assert counts["added"] == 5 and counts["committed"] == 5
        again = store.ingest([seed_dicts[0]])  # same content under the same id
        assert again["added"] == 0
        stories = store.stories()
        assert stories and sum(len(s["members"]) for s in stories) == 5
        assert store.counts()["articles"] == 5
    with storyline.Store(db, read_only=True) as store:
        assert store.stories() == stories
        first = stories[0]["story"]
        assert store.story(first)["story"] == first
        art = store.article(ORIGINAL)
        assert art["id"] == ORIGINAL
        assert art["text"].startswith("North Korea slammed")
        assert store.page(limit=1)["stories"] == stories[:1]
        with pytest.raises(KeyError):
            store.article("no-such-article")
        # compare by id in the store equals compare of the files.
        by_id = storyline.compare(ORIGINAL, REWRITE, db=store)
        assert by_id["relation"] == storyline.compare(
            DEMO / f"{ORIGINAL}.txt", DEMO / f"{REWRITE}.txt")["relation"]


def test_store_gives_what_the_cli_lists(tmp_path):
    with storyline.Store(tmp_path / "py.db") as store:
        store.ingest(DEMO, threads=1)
        stories = store.stories()
        detail = store.story(stories[0]["story"])
    run_cli("ingest", "--db", tmp_path / "cli.db", DEMO)
    listed = [json.loads(line) for line in
              run_cli("stories", "--db", tmp_path / "cli.db", "--json").stdout.splitlines()]
    assert stories == listed
    shown = json.loads(run_cli("show", stories[0]["story"], "--db", tmp_path / "cli.db",
                               "--json").stdout)
    assert detail == shown


def test_store_of_a_non_store_file_raises(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a SQLite database" * 100)
    with pytest.raises((RuntimeError, OSError)):
        storyline.Store(bad)


# ---- threads -----------------------------------------------------------------

def test_the_gil_is_released_while_the_library_works(seed_dicts, tmp_path):
    # Enough text for the call to take a while (~0.1 s): the seeds, each 40 times
    # with a word appended so no two are exact copies, read from a file so that
    # the call is C++ work from start to end.
    feed = tmp_path / "feed.jsonl"
    feed.write_text(storyline.articles_jsonl(
        [dict(d, id=f"{d['id']}-{i}", text=d["text"] + f" variant{i}")
         for i in range(40) for d in seed_dicts]), encoding="utf-8")
    span, stamps = [], []
    done = threading.Event()

    def work():
        t0 = time.perf_counter()
        storyline.dedup(feed, threads=1)
        span.extend([t0, time.perf_counter()])
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        stamps.append(time.perf_counter())
    t.join()
    # This thread runs in the middle half of the call only if the call released
    # the GIL (a call holding it, such as sum(range(30_000_000)), gives 0 here).
    t0, t1 = span
    quarter = (t1 - t0) / 4
    assert sum(1 for s in stamps if t0 + quarter < s < t1 - quarter) > 100


def test_calls_from_many_python_threads_agree(corpus):
    expected = storyline.cluster(corpus, threads=1)
    results, errors = [], []

    def work():
        try:
            results.append(storyline.cluster(corpus, threads=1))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [expected] * 3
