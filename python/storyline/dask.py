"""storyline on a dask.distributed cluster (docs/python.md, "Dask").

    from distributed import Client
    import storyline.dask
    client = Client(n_workers=4)
    kept = storyline.dask.dedup(["feed/*.jsonl.gz"])          # the current client
    assignments = storyline.dask.cluster(bag_of_article_dicts, client=client)

Both give exactly what the in-process functions (and the CLI) give for the same
input and options. How the work is split:

- on the workers, in parallel: reading, decompressing, parsing, UTF-8 and mojibake
  repair, HTML extraction: one task per group of small input files, per ~32 MB
  byte range of a large plain JSONL file (compressed files and WARCs are read
  whole), or per partition of a dask bag;
- on the client, once, in input order: the order-dependent decision, that is
  dedup's signing and clustering (storyline::DedupArticles, itself multi-threaded)
  and the story engine's analysis and online assignment (StoryEngine::AddAll).

The articles are gathered on the client, in order (file index, record index), so
the client holds them all in memory. docs/python.md says which library API would
move signing and analysis to the workers as well.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping

import storyline
from storyline import _core

__all__ = ["dedup", "cluster", "list_inputs"]

# Extensions the readers know, in the order ingest's KindFor tries them; whole
# files (one article per file, id from the file name) are marked True.
_KINDS = (
    (".txt", True), (".html", True), (".htm", True),
    (".jsonl", False), (".ndjson", False), (".json", False),
    (".jsonl.gz", False), (".ndjson.gz", False), (".json.gz", False),
    (".jsonl.zst", False), (".ndjson.zst", False), (".json.zst", False),
    (".warc", False), (".warc.gz", False),
)

# A task reads consecutive files up to about this many bytes (or files).
_TASK_BYTES = 32 << 20
_TASK_FILES = 256


def _kind(name: str):
    low = name.lower()
    for ext, whole in _KINDS:
        if low.endswith(ext):
            return ext, whole
    return None


def _strip_dot_slash(s: str) -> str:
    while s.startswith("./"):
        s = s[2:]
    return s


def _walk(folder: str) -> list[str]:
    """Regular files below `folder`, hidden names skipped, in the order of
    std::sort over std::filesystem::path (element by element)."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for n in names:
            if n.startswith("."):
                continue
            p = os.path.join(root, n)
            if os.path.isfile(p):
                found.append(p)
    return sorted(found, key=lambda p: p.split(os.sep))


def list_inputs(inputs) -> list[tuple[str, str | None, int]]:
    """The files `inputs` name, in the order storyline reads them, as
    (path, id, size): id is the article id of a whole-file input (.txt, .html)
    by the rule of INTERFACE.md (file name without extension; the path below
    the folder where names collide), None for files of many records.
    Mirrors ArticleReader::Open so that reading the files one task at a time
    gives the articles, and ids, of reading them all at once."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    cands = []  # (path, whole, stem, relative, relative_with_ext, size)
    for given in inputs:
        for path in storyline._expand(os.fspath(given)):
            if path == "-":
                raise ValueError("storyline.dask: standard input cannot be distributed; "
                                 "give files or a dask bag")
            try:
                st = os.stat(path)
            except FileNotFoundError:
                raise FileNotFoundError(f"{path}: no such file or directory") from None
            if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
                raise ValueError(f"{path}: a pipe cannot be distributed; give files")
            if stat.S_ISDIR(st.st_mode):
                entries = [(p, os.path.relpath(p, path).replace(os.sep, "/"), False)
                           for p in _walk(path)]
            else:
                entries = [(path, path, True)]
            for p, rel, explicit in entries:
                k = _kind(os.path.basename(p))
                if k is None:
                    if explicit:
                        raise ValueError(
                            f"{p}: unknown input format (expected .txt, .html, .htm, .jsonl, "
                            ".jsonl.gz, .jsonl.zst, .warc or .warc.gz)")
                    continue
                ext, whole = k
                name = os.path.basename(p)
                rel = _strip_dot_slash(rel)
                cands.append((p, whole, name[: len(name) - len(ext)], rel[: len(rel) - len(ext)],
                              rel, os.path.getsize(p)))
    stems, rels = {}, {}
    for _p, whole, stem, rel, _r, _s in cands:
        if whole:
            stems[stem] = stems.get(stem, 0) + 1
            rels[rel] = rels.get(rel, 0) + 1
    out = []
    for p, whole, stem, rel, rel_ext, size in cands:
        aid = None
        if whole:
            aid = stem if stems[stem] == 1 else rel if rels[rel] == 1 else rel_ext
        out.append((p, aid, size))
    return out


_SPLITTABLE = (".jsonl", ".ndjson", ".json")  # plain JSONL: split by byte ranges


def _tasks(files):
    """Read tasks in input order: ("files", [(path, id, size)...]) for runs of
    consecutive files up to about _TASK_BYTES / _TASK_FILES, and
    ("range", path, start, end) pieces of a plain JSONL file larger than
    _TASK_BYTES (compressed files and WARCs are read whole)."""
    chunk, size = [], 0
    for f in files:
        path, _aid, fsize = f
        if fsize > _TASK_BYTES and path.lower().endswith(_SPLITTABLE):
            if chunk:
                yield ("files", chunk)
                chunk, size = [], 0
            for start in range(0, fsize, _TASK_BYTES):
                yield ("range", path, start, min(start + _TASK_BYTES, fsize))
            continue
        if chunk and (size + fsize > _TASK_BYTES or len(chunk) >= _TASK_FILES):
            yield ("files", chunk)
            chunk, size = [], 0
        chunk.append(f)
        size += fsize
    if chunk:
        yield ("files", chunk)


# ---- Worker tasks (module-level so that workers can import them) -------------

def _read_files(files, options):
    """Reads a group of files on a worker: (article tuples, rejections, 0)."""
    ids = {p: aid for p, aid, _ in files if aid is not None}
    tuples, rejects, _ = _core.read([p for p, _, _ in files], None, "", options)
    if ids:
        # A whole file read alone gets its own name as id; the id that reading
        # every input at once gives may differ where names collide.
        tuples = [(ids.get(t[9], t[0]),) + tuple(t[1:]) if t[9] in ids else t for t in tuples]
    return tuples, rejects, 0


def _read_range(path, start, end, options):
    """Reads the lines of a JSONL file that begin in [start, end) on a worker:
    (article tuples, rejections with lines counted from the range's first line,
    the number of lines)."""
    lines = []
    with open(path, "rb") as f:
        if start > 0:
            f.seek(start - 1)
            f.readline()  # to the first line that begins at or after `start`
        pos = f.tell()
        while pos < end:
            line = f.readline()
            if not line:
                break
            lines.append(line)
            pos += len(line)
    if not lines:  # the range lies inside one line, read by the range before
        return [], [], 0
    tuples, rejects, _ = _core.read(None, b"".join(lines), path, options)
    return tuples, rejects, len(lines)


def _run_task(task, options):
    if task[0] == "files":
        return _read_files(task[1], options)
    return _read_range(task[1], task[2], task[3], options)


def _read_partition(records, index, options):
    """Reads one partition of a bag of article dicts on a worker."""
    jsonl = storyline.articles_jsonl(list(records))
    tuples, rejects, _ = _core.read(None, jsonl, f"<partition {index}>", options)
    return tuples, rejects, 0


# ---- Client side ---------------------------------------------------------------

def _client(client):
    if client is not None:
        return client
    from distributed import get_client
    return get_client()


def _is_bag(x) -> bool:
    try:
        import dask.bag
    except ImportError:  # pragma: no cover - dask is a dependency of this module
        return False
    return isinstance(x, dask.bag.Bag)


def _ingest_options(options):
    return {k: v for k, v in options.items() if k in storyline.INGEST_OPTIONS}


def _gather_articles(inputs, client, options, rejects):
    """Reads `inputs` on the workers; returns the article tuples in input order."""
    client = _client(client)
    ingest = _ingest_options(options)
    bag = _is_bag(inputs)
    if not bag and not isinstance(inputs, (str, os.PathLike)):
        inputs = list(inputs)
        if inputs and all(isinstance(i, Mapping) for i in inputs):
            import dask.bag  # article dicts in memory: spread them as a bag
            inputs = dask.bag.from_sequence(inputs, partition_size=2000)
            bag = True
    if bag:
        import dask
        parts = inputs.to_delayed()
        tasks = [dask.delayed(_read_partition, pure=False)(p, i, ingest)
                 for i, p in enumerate(parts)]
        futures = client.compute(tasks)
    else:
        tasks = list(_tasks(list_inputs(inputs)))
        futures = client.map(_run_task, tasks, options=ingest, pure=False)
    results = client.gather(futures)
    tuples, found = [], []
    lines_before = {}  # lines of a split JSONL file in the ranges read so far
    for i, (t, r, nlines) in enumerate(results):
        tuples.extend(t)
        if not bag and tasks[i][0] == "range":
            path = tasks[i][1]
            for x in r:
                x["line"] += lines_before.get(path, 0)
            lines_before[path] = lines_before.get(path, 0) + nlines
        found.extend(r)
    storyline._report_rejects(found, rejects)
    return tuples


def dedup(inputs, client=None, *, with_clusters: bool = False, rejects: list | None = None,
          **options):
    """storyline.dedup on a Dask cluster: `inputs` are paths (files, folders,
    globs), a dask bag of article dicts, or a list of article dicts; `client` a distributed.Client (the
    current one when None). Returns what storyline.dedup returns: the kept
    articles, or (kept, clusters) with with_clusters=True. Options as for
    storyline.dedup (threads= is the client's threads for the decision)."""
    opts = storyline._options(options, {**storyline.DEDUP_OPTIONS, **storyline.INGEST_OPTIONS},
                              "dedup")
    tuples = _gather_articles(inputs, client, opts, rejects)
    kept, clusters, _ = _core.dedup_articles(tuples, opts)
    return (kept, clusters) if with_clusters else kept


def cluster(inputs, client=None, *, report: bool = False, rejects: list | None = None,
            **options):
    """storyline.cluster on a Dask cluster: inputs and client as for dedup.
    Returns the assignments {id, story, topic, relation, of, score} in input
    order, or (assignments, markdown) with report=True."""
    opts = storyline._options(options, {**storyline.CLUSTER_OPTIONS, **storyline.INGEST_OPTIONS},
                              "cluster")
    opts["report"] = bool(report)
    tuples = _gather_articles(inputs, client, opts, rejects)
    assignments, markdown = _core.cluster_articles(tuples, opts)
    return (assignments, markdown) if report else assignments
