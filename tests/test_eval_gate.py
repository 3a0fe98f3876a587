"""The evaluation gate (scripts/eval_gate.py) fails on a lowered result and moves floors only up.

The gate is run as CI runs it, a subprocess with its exit code; the
scorers' outputs are given as files (``--scorer-output``) in the shape the
scorers of ../shared print, so these tests need neither ../shared nor the
minute the real scorers take.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GATE = REPO / "scripts" / "eval_gate.py"

SEEDS = """clean_page 004_e6f5a85ba3fff0de: cer=0.0000 title=ok date=ok source=ok stocks=ok
seeds: text_cer=0.0007 noharm=5/5 page_cer=0.0007 title=5/5 date=5/5 source=5/5 stocks=5/5
"""
TEXT = """changed clean text: 1 of 6 negatives (a20)
dev-text: text_cer=0.1097 exact=23/27 n=27
"""


def pages(title: str = "57/61", date: str = "43/45", cer: str = "0.1295") -> str:
    return (
        "d001_x                                       CER=0.0056 title=ok date=-\n\n"
        f"body CER mean {cer} over 62; title {title}; date {date}\n"
        "dev: page_cer=0.1295 title_acc=0.93 date_acc=0.96 n=62\n"
    )


FLOORS = """[corpus]
digest = ""

[floors]
"pages.body_cer" = 0.1295
"pages.date_acc" = 0.9556
"pages.title_acc" = 0.9344
"seeds.date" = 1.0
"seeds.noharm" = 1.0
"seeds.page_cer" = 0.0007
"seeds.source" = 1.0
"seeds.stocks" = 1.0
"seeds.text_cer" = 0.0007
"seeds.title" = 1.0
"text.changed_clean" = 1.0
"text.exact" = 0.8519
"text.text_cer" = 0.1097
"""


def gate(tmp_path: Path, *args: str, page_output: str | None = None, floors: str = FLOORS):
    outputs = {"seeds": SEEDS, "pages": page_output or pages(), "text": TEXT}
    argv = [sys.executable, str(GATE), "--floors", str(tmp_path / "floors.toml")]
    for name, text in outputs.items():
        (tmp_path / f"{name}.out").write_text(text, encoding="utf-8")
        argv += ["--scorer-output", f"{name}={tmp_path / f'{name}.out'}"]
    if not (tmp_path / "floors.toml").exists():
        (tmp_path / "floors.toml").write_text(floors, encoding="utf-8")
    return subprocess.run([*argv, *args], capture_output=True, text=True, check=False)


def floors_of(tmp_path: Path) -> dict[str, float]:
    return tomllib.loads((tmp_path / "floors.toml").read_text(encoding="utf-8"))["floors"]


def test_scores_at_their_floors_pass(tmp_path: Path) -> None:
    done = gate(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    pages.title_acc" in done.stdout
    assert "every floor met" in done.stdout


def test_a_lowered_title_accuracy_fails_with_a_line_naming_it(tmp_path: Path) -> None:
    done = gate(tmp_path, page_output=pages(title="55/61"))
    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1
    assert "pages.title_acc" in failed[0] and "0.9016" in failed[0] and "0.9344" in failed[0]


def test_a_higher_error_rate_fails(tmp_path: Path) -> None:
    done = gate(tmp_path, page_output=pages(cer="0.2000"))
    assert done.returncode == 1
    assert any(
        line.startswith("FAIL") and "pages.body_cer" in line for line in done.stdout.splitlines()
    )


def test_floors_above_the_measured_scores_fail(tmp_path: Path) -> None:
    raised = FLOORS.replace('"pages.date_acc" = 0.9556', '"pages.date_acc" = 0.99')
    done = gate(tmp_path, floors=raised)
    assert done.returncode == 1
    assert "FAIL  pages.date_acc" in done.stdout


def test_an_unreadable_scorer_output_fails(tmp_path: Path) -> None:
    done = gate(tmp_path, page_output="Traceback (most recent call last):\nImportError: x\n")
    assert done.returncode == 1
    assert "no dev pages summary line" in done.stdout


def test_update_raises_floors_to_better_scores(tmp_path: Path) -> None:
    done = gate(tmp_path, "--update", page_output=pages(title="60/61"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert floors_of(tmp_path)["pages.title_acc"] == pytest.approx(0.9836)
    assert floors_of(tmp_path)["pages.date_acc"] == pytest.approx(0.9556)


def test_update_never_lowers_a_floor_without_the_flag_and_a_note(tmp_path: Path) -> None:
    done = gate(tmp_path, "--update", page_output=pages(title="50/61"))
    assert done.returncode != 0
    assert "floors only move up" in done.stderr
    assert floors_of(tmp_path)["pages.title_acc"] == pytest.approx(0.9344)

    no_note = gate(tmp_path, "--update", "--allow-regression", page_output=pages(title="50/61"))
    assert no_note.returncode == 2 and "--note" in no_note.stderr

    lowered = gate(
        tmp_path,
        "--update",
        "--allow-regression",
        "--note",
        "gold of one page corrected",
        page_output=pages(title="50/61"),
    )
    assert lowered.returncode == 0, lowered.stdout + lowered.stderr
    data = tomllib.loads((tmp_path / "floors.toml").read_text(encoding="utf-8"))
    assert data["floors"]["pages.title_acc"] == pytest.approx(0.8197)
    assert data["notes"][-1]["metric"] == "pages.title_acc"
    assert data["notes"][-1]["why"] == "gold of one page corrected"


def test_without_shared_the_gate_says_so(tmp_path: Path) -> None:
    argv = [sys.executable, str(GATE), "--shared", str(tmp_path / "nowhere")]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "not found" in done.stdout and "Nothing evaluated" in done.stdout
    required = subprocess.run(
        [*argv, "--require-shared"], capture_output=True, text=True, check=False
    )
    assert required.returncode == 2


def test_the_committed_floors_cover_every_metric_the_gate_reads() -> None:
    committed = tomllib.loads((REPO / "eval" / "floors.toml").read_text(encoding="utf-8"))
    assert set(committed["floors"]) == set(tomllib.loads(FLOORS)["floors"])
    assert len(committed["corpus"]["digest"]) == 64
