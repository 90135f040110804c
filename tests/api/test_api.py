#!/usr/bin/env python3
"""API tests: a real `storyline serve` on a loopback port, every route, bad input, and
many readers at once while an ingest writes to the same store.

usage: test_api.py BUILD_DIR   (run by ctest; unittest underneath)
"""
import concurrent.futures
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
BIN = os.path.join(BUILD, "storyline")
DEMO = os.path.join(ROOT, "demo")
MAX_BODY = 200_000


def start_server(db, *extra):
    """Starts `storyline serve --port 0` and returns (process, base url)."""
    p = subprocess.Popen([BIN, "serve", "--db", db, "--port", "0", "--max-body", str(MAX_BODY), *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    if "http://" not in line:
        p.kill()
        raise RuntimeError("serve did not start: " + line)
    url = line.split("http://", 1)[1].split("/", 1)[0]
    return p, "http://" + url


def stop_server(p):
    p.terminate()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    p.stdout.close()


def call(base, path, method="GET", body=None, headers=None):
    """Returns (status, parsed JSON or raw text, headers)."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw, status, hdrs = r.read(), r.status, r.headers
    except urllib.error.HTTPError as e:
        raw, status, hdrs = e.read(), e.code, e.headers
    ctype = hdrs.get("Content-Type", "")
    payload = json.loads(raw) if "json" in ctype else raw.decode("utf-8", "replace")
    return status, payload, hdrs


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="storyline-api-")
        cls.db = os.path.join(cls.dir, "store.db")
        subprocess.run([BIN, "ingest", "--db", cls.db, "-q", DEMO], check=True,
                       stdout=subprocess.DEVNULL)
        cls.proc, cls.base = start_server(cls.db)

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.proc)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def get(self, path):
        return call(self.base, path)

    # ---- routes ----

    def test_health_counts_the_store(self):
        status, body, _ = self.get("/api/health")
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "ok")
        self.assertGreaterEqual(body["articles"], 5)
        self.assertGreaterEqual(body["stories"], 1)

    def test_stories_lists_the_seed_stories_with_their_members(self):
        status, body, _ = self.get("/api/stories")
        self.assertEqual(status, 200)
        members = {m["id"] for s in body["stories"] for m in s["members"]}
        for seed in ("000_ccb038054484d1e6", "001_c28f1e39ad1e51fe", "002_fe51a37dbb415eaa",
                     "003_fc802517088b5e08", "004_a62b8a648886d1d4"):
            self.assertIn(seed, members)
        for s in body["stories"]:
            for key in ("story", "title", "topic", "first_seen", "last_seen", "members"):
                self.assertIn(key, s)
            for m in s["members"]:
                self.assertEqual(set(("id", "relation", "of")) - set(m), set())

    def test_stories_paginate_with_a_cursor_without_gaps_or_repeats(self):
        _, whole, _ = self.get("/api/stories?limit=1000")
        seen, cursor, pages = [], None, 0
        while True:
            path = "/api/stories?limit=2" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            status, page, _ = self.get(path)
            self.assertEqual(status, 200)
            pages += 1
            seen += [s["story"] for s in page["stories"]]
            cursor = page["next"]
            if not cursor:
                break
        self.assertEqual(seen, [s["story"] for s in whole["stories"]])
        self.assertEqual(pages, (len(seen) + 1) // 2)

    def test_stories_filter_by_text_source_topic_and_dates(self):
        status, body, _ = self.get("/api/stories?q=KCNA")
        self.assertEqual(status, 200)
        ids = {m["id"] for s in body["stories"] for m in s["members"]}
        self.assertIn("002_fe51a37dbb415eaa", ids)
        status, body, _ = self.get("/api/stories?q=zzzunknownwordzzz")
        self.assertEqual(body["stories"], [])
        _, all_, _ = self.get("/api/stories")
        topic = next(s["topic"] for s in all_["stories"] if s["topic"] is not None)
        _, body, _ = self.get(f"/api/stories?topic={topic}")
        self.assertTrue(body["stories"])
        self.assertTrue(all(s["topic"] == topic for s in body["stories"]))
        _, body, _ = self.get("/api/stories?source=No%20Such%20Outlet")
        self.assertEqual(body["stories"], [])
        _, body, _ = self.get("/api/stories?from=2999-01-01")
        self.assertEqual(body["stories"], [])
        status, _, _ = self.get("/api/stories?from=1900-01-01&to=2999-12-31")
        self.assertEqual(status, 200)

    def test_stories_refuse_bad_parameters_with_400(self):
        for q in ("limit=0", "limit=abc", "limit=5000", "from=yesterday", "cursor=xyz", "topic=-3"):
            status, body, _ = self.get("/api/stories?" + q)
            self.assertEqual(status, 400, q)
            self.assertIn("error", body)

    def test_story_gives_the_show_object(self):
        _, all_, _ = self.get("/api/stories")
        story = all_["stories"][0]["story"]
        status, body, _ = self.get(f"/api/stories/{story}")
        self.assertEqual(status, 200)
        for key in ("members", "relations", "shared_passages", "quotes", "key_names",
                    "key_terms", "summary", "timeline"):
            self.assertIn(key, body)
        out = subprocess.run([BIN, "show", str(story), "--db", self.db, "--json"], check=True,
                             capture_output=True, text=True).stdout
        self.assertEqual(json.loads(out), body)

    def test_unknown_story_and_article_are_404_with_json(self):
        for path in ("/api/stories/999999", "/api/stories/abc", "/api/articles/no-such-id",
                     "/api/nothing"):
            status, body, _ = self.get(path)
            self.assertEqual(status, 404, path)
            self.assertIn("error", body)

    def test_article_has_raw_and_cleaned_text_and_set_aside_lines(self):
        status, body, _ = self.get("/api/articles/000_ccb038054484d1e6")
        self.assertEqual(status, 200)
        self.assertIn("BNN", body["text"])
        self.assertIn("cleaned_text", body)
        self.assertIsInstance(body["set_aside"], list)
        for line in body["set_aside"]:
            self.assertTrue(line["reason"])
            self.assertIn(line["text"], body["text"])

    # ---- POST ----

    def test_post_one_object_adds_it_and_a_second_post_does_not_double_it(self):
        art = {"id": "api-one", "title": "Harbour reopens", "source": "Test Wire",
               "published": "2024-03-01", "text": "The harbour of Testport reopened on Friday after a storm."}
        status, body, _ = call(self.base, "/api/articles", "POST", json.dumps(art))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["added"], 1)
        status, body, _ = call(self.base, "/api/articles", "POST", json.dumps(art))
        self.assertEqual(body["added"], 0)
        self.assertEqual(body["same_id"], 1)
        art2 = dict(art, id="api-one-again")
        _, body, _ = call(self.base, "/api/articles", "POST", json.dumps(art2))
        self.assertEqual(body["same_content"], 1)
        status, got, _ = self.get("/api/articles/api-one")
        self.assertEqual(status, 200)
        self.assertEqual(got["source"], "Test Wire")
        self.assertIsNotNone(got["story"])

    def test_post_jsonl_and_arrays(self):
        lines = "\n".join(json.dumps({"id": f"api-l{i}", "text": f"Line article number {i} about tides."})
                          for i in range(3))
        status, body, _ = call(self.base, "/api/articles", "POST", lines)
        self.assertEqual((status, body["added"]), (200, 3))
        arr = json.dumps([{"id": "api-a1", "text": "Array article one on rivers."},
                          {"id": "api-a2", "text": "Array article two on lakes."}])
        status, body, _ = call(self.base, "/api/articles", "POST", arr)
        self.assertEqual((status, body["added"]), (200, 2))

    def test_post_names_the_bad_record_with_422_and_keeps_the_good_ones(self):
        body = "\n".join([json.dumps({"id": "api-good", "text": "A good article about bridges."}),
                          json.dumps({"id": "api-bad", "title": "no text"}),
                          "{not json"])
        status, res, _ = call(self.base, "/api/articles", "POST", body)
        self.assertEqual(status, 422)
        self.assertIn("record 2", res["error"])
        self.assertEqual([r["record"] for r in res["rejects"]], [2, 3])
        self.assertEqual(res["added"], 1)
        self.assertEqual(self.get("/api/articles/api-good")[0], 200)

    def test_post_refuses_what_is_not_json_with_400(self):
        for body in ("", "   ", "hello", "[1, 2", "[]"):
            status, res, _ = call(self.base, "/api/articles", "POST", body)
            self.assertEqual(status, 400, repr(body))
            self.assertIn("error", res)

    def test_post_over_the_body_limit_is_413(self):
        big = json.dumps({"id": "api-big", "text": "x " * MAX_BODY})
        status, res, _ = call(self.base, "/api/articles", "POST", big)
        self.assertEqual(status, 413)
        self.assertEqual(self.get("/api/articles/api-big")[0], 404)

    # ---- the page ----

    def test_page_and_its_files_are_served_by_name_only(self):
        status, html, hdrs = self.get("/")
        self.assertEqual(status, 200)
        self.assertIn("text/html", hdrs["Content-Type"])
        self.assertIn("/app.js", html)
        self.assertEqual(self.get("/app.js")[0], 200)
        self.assertEqual(self.get("/style.css")[0], 200)
        for path in ("/../CMakeLists.txt", "/%2e%2e/%2e%2e/etc/passwd", "/web/app.js",
                     "//etc/passwd", "/index.html/..", "/app.js%00.html"):
            status, _, _ = self.get(path)
            self.assertEqual(status, 404, path)

    def test_binds_loopback_by_default(self):
        with socket.socket() as s:
            s.settimeout(2)
            host, port = self.base[len("http://"):].split(":")
            self.assertEqual(host, "127.0.0.1")


class ConcurrencyTest(unittest.TestCase):
    def test_many_readers_while_an_ingest_runs(self):
        d = tempfile.mkdtemp(prefix="storyline-api-conc-")
        try:
            db = os.path.join(d, "store.db")
            feed = os.path.join(d, "feed.jsonl")
            subprocess.run([sys.executable, os.path.join(ROOT, "tests/lib/gen_articles.py"), "1500", feed],
                           check=True)
            subprocess.run([BIN, "ingest", "--db", db, "-q", DEMO], check=True, stdout=subprocess.DEVNULL)
            proc, base = start_server(db)
            try:
                ingest = subprocess.Popen([BIN, "ingest", "--db", db, "-q", "--batch", "100", feed],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                errors, counts = [], []
                stop = threading.Event()

                def reader(n):
                    done = 0
                    while not stop.is_set():
                        for path in ("/api/stories?limit=20", "/api/health", "/api/stories?q=harbour"):
                            try:
                                status, body, _ = call(base, path)
                                if status != 200:
                                    errors.append((path, status, body))
                                elif path == "/api/health":
                                    counts.append(body["articles"])
                            except Exception as e:  # noqa: BLE001 - any failure is a test failure
                                errors.append((path, repr(e)))
                            done += 1
                    return done

                with concurrent.futures.ThreadPoolExecutor(16) as pool:
                    futs = [pool.submit(reader, i) for i in range(16)]
                    rc = ingest.wait(timeout=300)
                    time.sleep(0.2)
                    stop.set()
                    total = sum(f.result() for f in futs)
                self.assertEqual(rc, 0, ingest.stderr.read().decode())
                self.assertEqual(errors, [])
                self.assertGreater(total, 50)
                # Readers saw the store grow while the ingest committed its batches.
                self.assertGreater(len(set(counts)), 1)
                _, h, _ = call(base, "/api/health")
                self.assertEqual(h["articles"], 1505)
            finally:
                stop_server(proc)
                ingest.stderr.close()
        finally:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
