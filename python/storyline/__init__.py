"""storyline: copies, rewrites, stories and topics in a news feed.

The Python face of the storyline C++ library (docs/python.md is the manual). Every
function takes and returns plain dicts with the fields of INTERFACE.md, and gives
the same output as the `storyline` command for the same input and options:

    import storyline
    kept = storyline.dedup(["demo/"])                       # like `storyline dedup demo -o K`
    kept, clusters = storyline.dedup("feed.jsonl", with_clusters=True, threshold=0.8)
    assignments = storyline.cluster("demo/")                # like `storyline cluster demo -o A`
    storyline.compare("demo/002_fe51a37dbb415eaa.txt", "demo/001_c28f1e39ad1e51fe.txt")
    storyline.similarity([{"id_a": "a", "text_a": "...", "id_b": "b", "text_b": "..."}])
    storyline.extract("<html>...</html>")
    with storyline.Store("storyline.db") as db:
        db.ingest("demo/")
        db.stories()

INPUTS are paths (a file, a folder read recursively, a glob, or "-" for JSONL on
standard input), a list of paths, or article dicts {id, title, text, url, source,
published, lang} (one dict or an iterable of them). Dicts are read exactly as the
equivalent JSONL file would be: a missing id is made from a content hash, dates are
parsed, invalid UTF-8 is repaired, a record without text is rejected.

Bad records never stop a run: each is reported as a dict {file, line, reason, raw},
appended to the list given as `rejects=`; without one, a RejectedRecordsWarning
says how many there were. Errors raise: ValueError (invalid input or option),
FileNotFoundError / OSError (a path that cannot be read), KeyError (an id not in a
store), RuntimeError (anything else).

The C++ work runs without the GIL (see docs/python.md, "Threads and the GIL").
"""

from __future__ import annotations

import datetime as _dt
import glob as _glob
import json as _json
import os as _os
import warnings as _warnings
from collections.abc import Iterable, Mapping

from . import _core

__all__ = [
    "read_articles",
    "articles_jsonl",
    "dedup",
    "cluster",
    "compare",
    "similarity",
    "extract",
    "Store",
    "RejectedRecordsWarning",
]

__version__ = "0.1.0"


class RejectedRecordsWarning(UserWarning):
    """Some input records were rejected (pass rejects=[] to get them)."""


# Options every reading function takes: JSONL field names (the CLI's --text-field
# etc.), HTML comments, mojibake repair.
INGEST_OPTIONS = {
    "id_field": "id",
    "title_field": "title",
    "text_field": "text",
    "url_field": "url",
    "source_field": "source",
    "published_field": "published",
    "lang_field": "lang",
    "include_comments": False,
    "repair_mojibake": True,
}
# None: the library's default (DedupOptions, StoryOptions), as the CLI's.
DEDUP_OPTIONS = {
    "threshold": None,
    "keep": "earliest",
    "shingle": None,
    "boilerplate": True,
    "containment": True,
    "temp_dir": "",
    "threads": 0,
}
CLUSTER_OPTIONS = {
    "threshold": None,
    "topic_threshold": None,
    "window_days": 7,
    "threads": 0,
}


def _options(given: Mapping, allowed: Mapping, where: str) -> dict:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise TypeError(f"{where}() got unexpected option(s): {', '.join(unknown)}")
    out = {k: v for k, v in allowed.items() if v is not None}
    out.update({k: v for k, v in given.items() if v is not None})
    return out


def _json_default(v):
    if isinstance(v, (_dt.datetime, _dt.date)):
        return v.isoformat()
    raise TypeError(f"article field of type {type(v).__name__} is not JSON")


def articles_jsonl(articles: Iterable[Mapping]) -> str:
    """Article dicts as JSONL, one line each (what the readers parse)."""
    lines = []
    for a in articles:
        if not isinstance(a, Mapping):
            raise ValueError(f"an article must be a dict, got {type(a).__name__}")
        lines.append(_json.dumps(a, ensure_ascii=False, default=_json_default))
    return "\n".join(lines) + ("\n" if lines else "")


def _expand(path: str) -> list[str]:
    """A path as given, or the sorted matches of a glob."""
    if path == "-" or _os.path.lexists(path) or not _glob.has_magic(path):
        return [path]
    matches = sorted(_glob.glob(path, recursive=True))
    if not matches:
        raise FileNotFoundError(f"{path}: no file matches")
    return matches


def _source(inputs, what: str = "inputs"):
    """(paths, jsonl) for _core: one of them is None."""
    if isinstance(inputs, (str, _os.PathLike)):
        return _expand(_os.fspath(inputs)), None
    if isinstance(inputs, Mapping):
        return None, articles_jsonl([inputs])
    if isinstance(inputs, (bytes, bytearray)):
        raise ValueError(f"{what}: give paths or article dicts, not bytes")
    items = list(inputs)
    if all(isinstance(i, (str, _os.PathLike)) for i in items):
        paths = []
        for i in items:
            paths.extend(_expand(_os.fspath(i)))
        if not paths:
            raise ValueError(f"{what}: no input given")
        return paths, None
    if all(isinstance(i, Mapping) for i in items):
        return None, articles_jsonl(items)
    raise ValueError(f"{what}: give paths or article dicts, not a mix")


def _report_rejects(found: list, rejects) -> None:
    if rejects is not None:
        rejects.extend(found)
    elif found:
        first = found[0]
        _warnings.warn(
            f"{len(found)} record(s) rejected; first: {first['file']}:{first['line']}: "
            f"{first['reason']} (pass rejects=[] to get them)",
            RejectedRecordsWarning,
            stacklevel=3,
        )


_PUBLIC_FIELDS = ("id", "title", "text", "url", "source", "published", "lang")


def _article_dict(t: tuple) -> dict:
    d = {k: (t[i] if i < 6 else t[7]) for i, k in enumerate(_PUBLIC_FIELDS)}
    for k in ("url", "source", "published", "lang"):
        if d[k] == "":
            d[k] = None
    return d


def read_articles(inputs, *, rejects: list | None = None, **options) -> list[dict]:
    """The articles of `inputs` as storyline reads them, in input order:
    {id, title, text, url, source, published, lang} (empty optional fields None)."""
    opts = _options(options, INGEST_OPTIONS, "read_articles")
    paths, jsonl = _source(inputs)
    tuples, found, _ = _core.read(paths, jsonl, "<articles>", opts)
    _report_rejects(found, rejects)
    return [_article_dict(t) for t in tuples]


def dedup(inputs, *, with_clusters: bool = False, rejects: list | None = None, **options):
    """Exact and near-duplicate removal, as `storyline dedup INPUT... -o KEPT
    [--clusters C]`.

    Returns the kept articles (the KEPT.jsonl lines as dicts), or with
    with_clusters=True a pair (kept, clusters), clusters being one dict per input
    article {id, cluster, kept, of, similarity, relation} (the --clusters lines).
    Options: threshold (default: the library's, as the CLI's --threshold),
    keep="earliest"|"longest"|"first", shingle=5,
    boilerplate=True (--no-boilerplate: False), containment=True
    (--no-containment: False), threads=0 (all cores; same output for any value),
    temp_dir, and the reading options (text_field=... etc.).
    """
    opts = _options(options, {**DEDUP_OPTIONS, **INGEST_OPTIONS}, "dedup")
    paths, jsonl = _source(inputs)
    kept, clusters, found, _ = _core.dedup(paths, jsonl, "<articles>", opts)
    _report_rejects(found, rejects)
    return (kept, clusters) if with_clusters else kept


def cluster(inputs, *, report: bool = False, rejects: list | None = None, **options):
    """Online story clustering, as `storyline cluster INPUT... -o A.jsonl`.

    Returns one dict per input article, in input order:
    {id, story, topic, relation, of, score}. With report=True, a pair
    (assignments, markdown) where markdown is what --report writes.
    Options: threshold (story join), topic_threshold, window_days=7, threads=0,
    and the reading options.
    """
    opts = _options(options, {**CLUSTER_OPTIONS, **INGEST_OPTIONS}, "cluster")
    opts["report"] = bool(report)
    paths, jsonl = _source(inputs)
    assignments, markdown, found = _core.cluster(paths, jsonl, "<articles>", opts)
    _report_rejects(found, rejects)
    return (assignments, markdown) if report else assignments


def _one_article(x, store, what: str, options: dict) -> tuple:
    """An article tuple, as `storyline compare` loads A and B: a dict, the first
    article of a file, or with a store an id."""
    if isinstance(x, Mapping):
        paths, jsonl, name = None, articles_jsonl([x]), f"<{what}>"
    elif store is not None and isinstance(x, str):
        return store._core.article_tuple(x)
    elif isinstance(x, (str, _os.PathLike)):
        paths, jsonl, name = [_os.fspath(x)], None, _os.fspath(x)
    else:
        raise ValueError(f"{what}: give an article dict, a path or (with db=) an id")
    tuples, found, _ = _core.read(paths, jsonl, f"<{what}>", options)
    if not tuples:
        reason = f": {found[0]['reason']}" if found else ""
        raise ValueError(f"{name}: no article in it (empty or rejected){reason}")
    return tuples[0]


def compare(a, b, *, db=None, min_passage_words: int = 8, sentence_alignment: bool = True,
            **options) -> dict:
    """How two articles relate, as `storyline compare A B --json`:
    {a, b, relation, original, scores, shared_passages, quotes}.

    `a` and `b` are article dicts, paths (of a JSONL file: its first record), or,
    with db= (a Store or a store path), ids of stored articles.
    """
    opts = _options(options, INGEST_OPTIONS, "compare")
    store = None
    if db is not None:
        store = db if isinstance(db, Store) else Store(db, read_only=True)
    try:
        ta = _one_article(a, store, "a", opts)
        tb = _one_article(b, store, "b", opts)
    finally:
        if store is not None and store is not db:
            store.close()
    return _core.compare(ta, tb, {"min_passage_words": min_passage_words,
                                  "sentence_alignment": sentence_alignment})


def similarity(pairs, *, threads: int = 0, batch: int = 4096,
               rejects: list | None = None) -> list[dict]:
    """Scores article pairs, as `storyline similarity PAIRS.jsonl -o S.jsonl`.

    `pairs` is a PAIRS.jsonl path or an iterable of {id_a, text_a, id_b, text_b}
    dicts (lang_a, lang_b optional). Returns {id_a, id_b, score, relation} per
    good pair, in order; score in [0, 1], higher = closer to the same story. The
    corpus statistics grow batch by batch (`batch` as the CLI's --batch), so the
    result does not depend on `threads`. A pair without text is rejected.
    """
    if isinstance(pairs, (str, _os.PathLike)):
        out, found = _core.similarity(_os.fspath(pairs), threads, batch)
    else:
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8",
                                         delete=False) as f:
            for i, p in enumerate(pairs, 1):
                if not isinstance(p, Mapping):
                    raise ValueError(f"pair {i}: must be a dict, got {type(p).__name__}")
                f.write(_json.dumps(p, ensure_ascii=False) + "\n")
        try:
            out, found = _core.similarity(f.name, threads, batch)
        finally:
            _os.unlink(f.name)
        for r in found:
            r["file"] = "<pairs>"
    _report_rejects(found, rejects)
    return out


def _is_warc(p: str) -> bool:
    q = p.lower()
    return q.endswith(".warc") or q.endswith(".warc.gz")


def _is_html(p: str) -> bool:
    q = p.lower()
    return q.endswith(".html") or q.endswith(".htm")


def _extract_file(path: str, include_comments: bool, pages: list, found: list) -> None:
    if _is_warc(path):
        got, bad = _core.extract_warc(path, include_comments)
        pages.extend(got)
        found.extend(bad)
        return
    with open(path, "rb") as f:
        html = f.read()
    try:
        pages.append(_core.extract_html(html, path, "", "", include_comments))
    except ValueError as e:
        found.append({"file": path, "line": 0, "reason": str(e), "raw": ""})


def extract(page, *, url: str = "", content_type: str = "", include_comments: bool = False,
            rejects: list | None = None):
    """Article extraction from HTML, as `storyline extract PAGE --jsonl`.

    `page` as HTML (bytes in any encoding, or a str holding markup) or as the path
    of one .html file gives one dict {path, url, title, text, published, author,
    site, lang} (path None for HTML given directly; url and content_type help
    with those); it raises ValueError when no article can be found. A folder, a
    WARC file or a list of paths gives a list of such dicts, pages that fail going
    to `rejects` as in the other functions.
    """
    if isinstance(page, (bytes, bytearray)):
        return _core.extract_html(bytes(page), None, url, content_type, include_comments)
    if isinstance(page, str) and not _os.path.exists(page) and "<" in page:
        return _core.extract_html(page.encode("utf-8"), None, url, content_type or
                                  "text/html; charset=utf-8", include_comments)
    if isinstance(page, (str, _os.PathLike)):
        p = _os.fspath(page)
        if _os.path.isfile(p) and not _is_warc(p):
            with open(p, "rb") as f:
                html = f.read()
            return _core.extract_html(html, p, url, content_type, include_comments)
        paths = _expand(p)
    else:
        paths = [_os.fspath(x) for x in page]
    files = []
    for p in paths:
        if _os.path.isdir(p):
            found_files = []
            for root, _dirs, names in _os.walk(p):
                for n in names:
                    f = _os.path.join(root, n)
                    if (_is_html(f) or _is_warc(f)) and _os.path.isfile(f):
                        found_files.append(f)
            files.extend(sorted(found_files))
        elif _os.path.exists(p):
            files.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    pages, found = [], []
    for f in files:
        _extract_file(f, include_comments, pages, found)
    _report_rejects(found, rejects)
    return pages


class Store:
    """A storyline store (one SQLite file), as `storyline ingest/stories/show` use.

        with storyline.Store("storyline.db") as db:
            db.ingest("demo/")                  # {"offered", "added", ...}
            for s in db.stories():              # `stories --json` objects
                print(db.story(s["story"])["header"] ...)

    Many readers and one writer may use a file at once, across processes. One
    Store object may be shared by Python threads (calls are serialised); the
    GIL is released while it works.
    """

    def __init__(self, path: str | _os.PathLike = "storyline.db", *, read_only: bool = False):
        self._core = _core.Store(_os.fspath(path), read_only)

    @property
    def path(self) -> str:
        return self._core.path

    def close(self) -> None:
        """Closes the connection; later calls raise RuntimeError."""
        self._core.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def ingest(self, inputs, *, threads: int = 0, batch_articles: int | None = None,
               rejects: list | None = None, **options) -> dict:
        """Adds articles (paths or dicts), clustering them as `storyline ingest`
        does; returns the counts {offered, added, same_id, same_content,
        committed, batches, store_articles, rejected}."""
        opts = _options(options, INGEST_OPTIONS, "ingest")
        opts["threads"] = threads
        if batch_articles is not None:
            opts["batch_articles"] = batch_articles
        paths, jsonl = _source(inputs)
        counts, found = self._core.ingest(paths, jsonl, "<articles>", opts)
        _report_rejects(found, rejects)
        return counts

    def stories(self) -> list[dict]:
        """Every story, newest first: the objects of `storyline stories --json`."""
        return self._core.all_stories()

    def page(self, *, limit: int = 50, cursor: str | None = None, source: str | None = None,
             topic: int | None = None, q: str | None = None) -> dict:
        """One page of stories, as GET /api/stories: {"stories": [...], "next": cursor|None}."""
        return self._core.stories({"limit": limit, "cursor": cursor, "source": source,
                                   "topic": topic, "q": q})

    def story(self, story: int) -> dict:
        """One story in full (the object of `storyline show STORY --json`); KeyError when unknown."""
        return self._core.story(int(story))

    def article(self, article_id: str) -> dict:
        """One stored article (GET /api/articles/{id}); KeyError when unknown."""
        return self._core.article(str(article_id))

    def counts(self) -> dict:
        """{articles, stories, topics, schema_version}."""
        return self._core.counts()
