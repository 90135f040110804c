"""Speed of the Python module against the CLI, in process and on Dask, with an
equality check of every output: run by scripts/bench-python BUILD_DIR.

Inputs (skipped with a message when ../shared/data is absent):
  dedup   : Reuters-21578 (21,578 records, 24 MB), split into 8 JSONL files
  cluster : BBC News (2,225 articles), split into 4 JSONL files
Dask: LocalCluster(n_workers=2, threads_per_worker=1, processes=True).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(sys.argv[1] if len(sys.argv) > 1 else "build").resolve()
DATA = ROOT.parent / "shared" / "data"
THREADS = 2


def split(src: Path, dst: Path, parts: int) -> Path:
    dst.mkdir(parents=True)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    per = (len(lines) + parts - 1) // parts
    for i in range(parts):
        (dst / f"part-{i}.jsonl").write_text("".join(lines[i * per:(i + 1) * per]),
                                             encoding="utf-8")
    return dst


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def cli(*args) -> float:
    t0 = time.perf_counter()
    subprocess.run([str(BUILD / "storyline"), *map(str, args)], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def read_jsonl(p):
    with open(p, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def row(what, n, secs, same):
    print(f"  {what:<44} {secs:7.2f} s  {n / secs:9.0f} articles/s  "
          f"{'identical to CLI' if same is True else '' if same is None else 'DIFFERENT'}")


def main() -> int:
    if not DATA.is_dir():
        print(f"bench-python: {DATA} not found, skipped")
        return 0
    os.environ["PYTHONPATH"] = str(BUILD / "python")  # for the worker processes
    sys.path.insert(0, str(BUILD / "python"))
    import storyline
    import storyline.dask
    from storyline import _core
    import distributed

    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        reuters = split(DATA / "reuters21578" / "data.jsonl", tmp / "reuters", 8)
        bbc = split(DATA / "bbc-news" / "data.jsonl", tmp / "bbc", 4)
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
        client = distributed.Client(cluster)
        client.run(lambda: __import__("storyline"))  # workers import the module once

        print(f"dedup, Reuters-21578 in 8 files, --threads {THREADS}:")
        secs = cli("dedup", reuters, "-o", tmp / "k.jsonl", "--clusters", tmp / "c.jsonl",
                   "--threads", THREADS)
        want = (read_jsonl(tmp / "k.jsonl"), read_jsonl(tmp / "c.jsonl"))
        n = len(want[1])
        row("storyline dedup (CLI)", n, secs, None)
        got, secs = timed(lambda: storyline.dedup(reuters, with_clusters=True, threads=THREADS,
                                                  rejects=[]))
        row("storyline.dedup (in process)", n, secs, got == want)
        failures += got != want
        got, secs = timed(lambda: storyline.dask.dedup(reuters, client, with_clusters=True,
                                                       threads=THREADS, rejects=[]))
        row("storyline.dask.dedup (2 worker processes)", n, secs, got == want)
        failures += got != want
        opts = storyline._options({"threads": THREADS},
                                  {**storyline.DEDUP_OPTIONS, **storyline.INGEST_OPTIONS}, "dedup")
        tuples, secs = timed(lambda: storyline.dask._gather_articles(reuters, client, opts, []))
        row("  of which: reading on the workers, gathering", n, secs, None)
        _, secs = timed(lambda: _core.dedup_articles(tuples, opts))
        row("  of which: signing and deciding on the client", n, secs, None)

        print(f"cluster, BBC News in 4 files, --threads {THREADS}:")
        secs = cli("cluster", bbc, "-o", tmp / "a.jsonl", "--threads", THREADS)
        want = read_jsonl(tmp / "a.jsonl")
        n = len(want)
        row("storyline cluster (CLI)", n, secs, None)
        got, secs = timed(lambda: storyline.cluster(bbc, threads=THREADS))
        row("storyline.cluster (in process)", n, secs, got == want)
        failures += got != want
        got, secs = timed(lambda: storyline.dask.cluster(bbc, client, threads=THREADS))
        row("storyline.dask.cluster (2 worker processes)", n, secs, got == want)
        failures += got != want
        client.close()
        cluster.close()
    if failures:
        print(f"bench-python: {failures} result(s) differ from the CLI's")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
