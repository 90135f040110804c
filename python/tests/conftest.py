"""Shared fixtures: the seed corpus (demo/), copies of it, and the CLI to compare with."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo"
SEEDS = sorted(DEMO.glob("*.txt"))
ORIGINAL = "002_fe51a37dbb415eaa"   # the Reuters wire story
REWRITE = "001_c28f1e39ad1e51fe"    # a rewrite keeping the KCNA quotes
HEAVY = "000_ccb038054484d1e6"      # a heavier rewrite
COMMENTARY = "003_fc802517088b5e08"  # same topic, another story
OLDER = "004_a62b8a648886d1d4"      # an older story (Aug 2022)


def cli_path() -> Path:
    p = Path(os.environ.get("STORYLINE_CLI", ROOT / "build" / "storyline"))
    if not p.exists():
        pytest.skip(f"the storyline CLI is not built at {p} (set STORYLINE_CLI)")
    return p


def run_cli(*args) -> subprocess.CompletedProcess:
    r = subprocess.run([str(cli_path()), *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, f"storyline {' '.join(map(str, args))}: {r.stderr}"
    return r


def read_jsonl(path) -> list:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def lightly_edited(text: str) -> str:
    """A light edit: two words changed and a line of site furniture added."""
    words = text.split(" ")
    for i in (40, 120):
        words[i] = words[i].upper() + "s"
    return " ".join(words) + "\nShare this article on social media.\n"


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """The five seeds, an exact copy of the original and a lightly edited copy of
    the commentary; the copies sort after the seeds."""
    d = tmp_path_factory.mktemp("corpus")
    for s in SEEDS:
        shutil.copy(s, d / s.name)
    shutil.copy(DEMO / f"{ORIGINAL}.txt", d / "900_copy_of_002.txt")
    text = (DEMO / f"{COMMENTARY}.txt").read_text(encoding="utf-8")
    (d / "901_edit_of_003.txt").write_text(lightly_edited(text), encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def seed_dicts() -> list:
    """The seeds as article dicts (title = first line, text = the rest)."""
    out = []
    for s in SEEDS:
        lines = s.read_text(encoding="utf-8").split("\n")
        out.append({"id": s.stem, "title": lines[0], "text": "\n".join(lines[1:]).strip(),
                    "source": "seed"})
    return out
