"""storyline.dask on a local dask.distributed cluster: the same lists as the
in-process functions and the CLI, whatever the partitioning."""
import json
import shutil

import pytest

dask_bag = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

import storyline  # noqa: E402
import storyline.dask  # noqa: E402
from conftest import DEMO, ORIGINAL, SEEDS, read_jsonl, run_cli  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # In-process workers, one thread each: quick to start and robust in CI; the
    # tasks still go through the scheduler and the futures as on a real cluster.
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_dask_dedup_of_paths_equals_in_process_and_cli(client, corpus, tmp_path):
    run_cli("dedup", corpus, "-o", tmp_path / "k.jsonl", "--clusters", tmp_path / "c.jsonl")
    kept, clusters = storyline.dask.dedup([corpus], client=client, with_clusters=True)
    assert kept == read_jsonl(tmp_path / "k.jsonl")
    assert clusters == read_jsonl(tmp_path / "c.jsonl")
    assert kept == storyline.dedup(corpus)
    assert "900_copy_of_002" not in [a["id"] for a in kept]


def test_dask_dedup_with_one_file_per_task(client, corpus, monkeypatch):
    monkeypatch.setattr(storyline.dask, "_TASK_FILES", 1)
    assert storyline.dask.dedup(corpus, client=client, with_clusters=True) == \
        storyline.dedup(corpus, with_clusters=True)


def test_dask_dedup_of_a_bag_equals_in_process(client, seed_dicts):
    articles = seed_dicts + [dict(seed_dicts[2], id="copy"), {"id": "bad", "title": "no text"}]
    bag = dask_bag.from_sequence(articles, npartitions=3)
    rejects = []
    got = storyline.dask.dedup(bag, client=client, with_clusters=True, rejects=rejects)
    want = storyline.dedup(articles, with_clusters=True, rejects=[])
    assert got == want
    assert [r["reason"] for r in rejects] and rejects[0]["file"].startswith("<partition ")


def test_dask_cluster_of_paths_equals_in_process_and_cli(client, corpus, tmp_path):
    run_cli("cluster", corpus, "-o", tmp_path / "a.jsonl")
    got = storyline.dask.cluster(str(corpus / "*.txt"), client=client)
    assert got == read_jsonl(tmp_path / "a.jsonl")
    assert got == storyline.cluster(corpus)


def test_dask_cluster_of_a_bag_equals_in_process(client, seed_dicts):
    bag = dask_bag.from_sequence(seed_dicts, npartitions=2)
    assert storyline.dask.cluster(bag, client=client) == storyline.cluster(seed_dicts)
    assert storyline.dask.cluster(seed_dicts, client=client) == storyline.cluster(seed_dicts)


def test_dask_uses_the_current_client(client):
    with client.as_current():
        assert storyline.dask.cluster(DEMO) == storyline.cluster(DEMO)


def test_ids_of_colliding_file_names_match_a_single_reader(client, tmp_path, monkeypatch):
    # Two folders with the same file names: ids become the paths below the folder,
    # which a worker reading one file alone cannot know.
    for sub in ("a", "b"):
        (tmp_path / "feed" / sub).mkdir(parents=True)
        for s in SEEDS[:2]:
            shutil.copy(s, tmp_path / "feed" / sub / s.name)
    (tmp_path / "feed" / ".hidden").mkdir()
    (tmp_path / "feed" / "notes.md").write_text("not an input")
    monkeypatch.setattr(storyline.dask, "_TASK_FILES", 1)
    feed = tmp_path / "feed"
    want = [a["id"] for a in storyline.read_articles(feed)]
    assert want == [f"{sub}/{s.stem}" for sub in ("a", "b") for s in SEEDS[:2]]
    assert [i for _, i, _ in storyline.dask.list_inputs(feed)] == want
    got = storyline.dask.dedup(feed, client=client, with_clusters=True)
    assert [c["id"] for c in got[1]] == want
    assert got == storyline.dedup(feed, with_clusters=True)


def test_a_large_jsonl_file_is_read_in_byte_ranges(client, seed_dicts, tmp_path, monkeypatch):
    lines = [json.dumps(d) for d in seed_dicts]
    lines.insert(2, "")                                   # a blank line
    lines.insert(4, '{"id": "broken", "text": ')          # unparsable
    lines.append(json.dumps(dict(seed_dicts[0], id=None)))  # id from the content hash
    lines.append(json.dumps({"id": "empty", "title": "no text"}) + "\r")
    lines.append(json.dumps(dict(seed_dicts[3], id="last")))  # no newline at the end
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(storyline.dask, "_TASK_BYTES", 1500)
    tasks = list(storyline.dask._tasks(storyline.dask.list_inputs(feed)))
    assert len(tasks) > 5 and all(t[0] == "range" for t in tasks)
    want_rejects, got_rejects = [], []
    want = storyline.dedup(feed, with_clusters=True, rejects=want_rejects)
    got = storyline.dask.dedup(feed, client=client, with_clusters=True, rejects=got_rejects)
    assert got == want
    assert [(r["file"], r["line"], r["reason"]) for r in got_rejects] == \
        [(r["file"], r["line"], r["reason"]) for r in want_rejects]
    assert [r["line"] for r in want_rejects] == [5, 9]
    assert storyline.dask.cluster(feed, client=client) == storyline.cluster(feed)


def test_dask_rejects_standard_input(client):
    with pytest.raises(ValueError, match="standard input"):
        storyline.dask.dedup("-", client=client)
    with pytest.raises(FileNotFoundError):
        storyline.dask.dedup("no-such-folder", client=client)
    assert ORIGINAL  # the seeds are there
