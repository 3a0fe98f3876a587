"""The evaluation gate: the scorers of ../shared against floors pinned in eval/floors.toml.

    .venv/bin/python scripts/eval_gate.py                 # score, compare, exit 1 below a floor
    .venv/bin/python scripts/eval_gate.py --update        # raise floors to the measured scores
    .venv/bin/python scripts/eval_gate.py --update --allow-regression --note "why"

It runs, from the project root and with this interpreter, the three scorers
that live beside the checkout in ``../shared/tools/`` (CI has them; a clone
alone does not):

- ``check_seeds.py --strict``: the five seeds, field by field (must stay exact);
- ``eval_pages.py``: ``clean_page`` on the real dev pages (body CER, title
  and date accuracy);
- ``eval_text.py``: ``repair_text`` on the real damaged passages (CER,
  exact cases, clean text changed).

It reads each scorer's summary lines, and compares every score with its floor
in ``eval/floors.toml``. A floor is a bound on the worse side: for accuracies
the lowest score allowed, for error rates the highest. One line per metric;
the gate exits 1 when a score is worse than its floor, or when a scorer's
summary cannot be read.

Floors only move toward better scores: ``--update`` moves each floor to the
measured score where that is better, and refuses to move one the other way
unless ``--allow-regression`` is given with a ``--note`` saying why (kept in
the file). The file also pins a digest of the dev sets the floors were
measured on, as trafilatura's ``eval_baseline.json`` does: when the dev sets
change the gate warns (the floors still apply) until they are pinned again
with ``--update --allow-regression --note``.

Without ``../shared`` (``--shared`` or ``SXCORPUS_SHARED`` to point
elsewhere) the gate says so and exits 0, or 2 with ``--require-shared`` (CI).
``--scorer-output NAME=FILE`` reads a scorer's output from a file instead of
running it (``seeds``, ``pages``, ``text``): how the tests show the gate
failing on a lowered result.
"""

# ruff: noqa: T201  (a command-line script: its output is the point)
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "eval" / "floors.toml"

#: Exit codes: every floor met; a score below its floor (or unreadable);
#: nothing to evaluate (``../shared`` missing with ``--require-shared``, bad use).
EXIT_OK, EXIT_BELOW, EXIT_UNAVAILABLE = 0, 1, 2

#: Seconds one scorer may run: the page scorer takes about 20 s alone on
#: one core; a shared CI machine is several times slower.
SCORER_TIMEOUT = 900

#: What the dev-set digest covers, under ``../shared``.
DIGESTED = ("eval/dev/pages", "eval/dev/text", "seeds", "gold")


@dataclass(frozen=True)
class Scorer:
    """One scorer of ../shared/tools: its arguments and how to read its summary."""

    name: str
    script: str
    args: tuple[str, ...]
    parse: Callable[[str], dict[str, float]]


def _fraction(found: re.Match[str], key: str) -> float:
    done, total = found[key].split("/")
    return int(done) / int(total) if int(total) else 0.0


_SEEDS = re.compile(
    r"^seeds: text_cer=(?P<text_cer>[\d.]+) noharm=(?P<noharm>\d+/\d+) "
    r"page_cer=(?P<page_cer>[\d.]+) title=(?P<title>\d+/\d+) date=(?P<date>\d+/\d+) "
    r"source=(?P<source>\d+/\d+) stocks=(?P<stocks>\d+/\d+)",
    re.M,
)
_PAGES = re.compile(
    r"^body CER mean (?P<cer>[\d.]+) over \d+; title (?P<title>\d+/\d+); date (?P<date>\d+/\d+)",
    re.M,
)
_TEXT = re.compile(r"^dev-text: text_cer=(?P<cer>[\d.]+) exact=(?P<exact>\d+/\d+)", re.M)
_TEXT_CHANGED = re.compile(r"^changed clean text: (?P<changed>\d+) of \d+ negatives", re.M)


class Unreadable(ValueError):
    """A scorer's output without its summary line."""


def _search(pattern: re.Pattern[str], output: str, what: str) -> re.Match[str]:
    found = pattern.search(output)
    if found is None:
        tail = "\n".join(output.strip().splitlines()[-8:])
        raise Unreadable(f"no {what} summary line in the output; its last lines:\n{tail}")
    return found


def parse_seeds(output: str) -> dict[str, float]:
    found = _search(_SEEDS, output, "seeds")
    scores = {
        "seeds.text_cer": float(found["text_cer"]),
        "seeds.page_cer": float(found["page_cer"]),
    }
    for key in ("noharm", "title", "date", "source", "stocks"):
        scores[f"seeds.{key}"] = _fraction(found, key)
    return scores


def parse_pages(output: str) -> dict[str, float]:
    found = _search(_PAGES, output, "dev pages")
    return {
        "pages.body_cer": float(found["cer"]),
        "pages.title_acc": _fraction(found, "title"),
        "pages.date_acc": _fraction(found, "date"),
    }


def parse_text(output: str) -> dict[str, float]:
    found = _search(_TEXT, output, "dev text")
    changed = _search(_TEXT_CHANGED, output, "changed clean text")
    return {
        "text.text_cer": float(found["cer"]),
        "text.exact": _fraction(found, "exact"),
        "text.changed_clean": float(changed["changed"]),
    }


SCORERS = (
    Scorer("seeds", "check_seeds.py", ("--strict",), parse_seeds),
    Scorer("pages", "eval_pages.py", (), parse_pages),
    Scorer("text", "eval_text.py", (), parse_text),
)

#: Metrics where a lower score is better (error rates, counts of harm).
LOWER_IS_BETTER = frozenset(
    {"seeds.text_cer", "seeds.page_cer", "pages.body_cer", "text.text_cer", "text.changed_clean"}
)


def better(metric: str, score: float, floor: float) -> bool:
    """Whether ``score`` is strictly better than ``floor`` for ``metric``."""
    return score < floor if metric in LOWER_IS_BETTER else score > floor


def meets(metric: str, score: float, floor: float) -> bool:
    """Whether ``score`` is at least as good as ``floor`` (to the printed precision)."""
    return round(score, 4) <= floor if metric in LOWER_IS_BETTER else round(score, 4) >= floor


@dataclass
class Floors:
    """The committed floors, the digest of the dev sets they were measured on, the notes."""

    values: dict[str, float]
    digest: str | None
    notes: list[dict[str, str]]

    @classmethod
    def read(cls, path: Path) -> Floors:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        values = {str(k): float(v) for k, v in data.get("floors", {}).items()}
        notes = [{str(k): str(v) for k, v in n.items()} for n in data.get("notes", [])]
        return cls(values, data.get("corpus", {}).get("digest"), notes)

    def write(self, path: Path) -> None:
        lines = [
            "# Evaluation floors for `make eval` (scripts/eval_gate.py): the gate fails",
            "# when a score is worse than its floor. Accuracies and shares: the lowest",
            "# allowed; error rates (*_cer) and counts of harm (changed_clean): the highest.",
            "# Floors only move toward better scores (`scripts/eval_gate.py --update`);",
            "# moving one back needs --allow-regression and a note, kept below.",
            "",
            "[corpus]",
            "# sha256 over ../shared/{" + ",".join(DIGESTED) + "}, file names and bytes.",
            f'digest = "{self.digest or ""}"',
            "",
            "[floors]",
        ]
        for metric in sorted(self.values):
            lines.append(f'"{metric}" = {self.values[metric]:.4f}')
        for note in self.notes:
            lines += ["", "[[notes]]"]
            lines += [f"{key} = {_toml_string(value)}" for key, value in note.items()]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def corpus_digest(shared: Path) -> str:
    """sha256 over the dev sets, seeds and golds: names and bytes, in order."""
    digest = hashlib.sha256()
    for part in DIGESTED:
        base = shared / part
        for path in sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []:
            digest.update(str(path.relative_to(shared)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def run_scorer(scorer: Scorer, shared: Path) -> str:
    """A scorer's output (stdout and stderr), run from the project root."""
    command = [sys.executable, str(shared / "tools" / scorer.script), *scorer.args]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=SCORER_TIMEOUT, check=False
    )
    return done.stdout + "\n" + done.stderr


def compare(scores: Mapping[str, float], floors: Mapping[str, float]) -> tuple[list[str], bool]:
    """One line per metric and whether every floor is met."""
    lines, ok = [], True
    for metric in sorted(set(scores) | set(floors)):
        if metric not in floors:
            lines.append(f"new   {metric:22} {scores[metric]:.4f} (no floor yet: --update pins it)")
            continue
        if metric not in scores:
            lines.append(f"FAIL  {metric:22} not measured (floor {floors[metric]:.4f})")
            ok = False
            continue
        score, floor = scores[metric], floors[metric]
        bound = "at most" if metric in LOWER_IS_BETTER else "at least"
        if meets(metric, score, floor):
            lines.append(f"ok    {metric:22} {score:.4f} (floor: {bound} {floor:.4f})")
        else:
            ok = False
            lines.append(
                f"FAIL  {metric:22} {score:.4f}, worse than its floor: {bound} {floor:.4f}"
            )
    return lines, ok


def update(
    floors: Floors, scores: Mapping[str, float], allow_regression: bool, note: str | None
) -> list[str]:
    """Move floors to the measured scores: up always, down only when allowed (noted)."""
    changes = []
    worse = []
    for metric, score in sorted(scores.items()):
        score = round(score, 4)
        old = floors.values.get(metric)
        if old is None or better(metric, score, old):
            floors.values[metric] = score
            changes.append(f"{metric}: {'none' if old is None else f'{old:.4f}'} -> {score:.4f}")
        elif not meets(metric, score, old):
            worse.append((metric, old, score))
    if worse and not allow_regression:
        listed = ", ".join(f"{m} {o:.4f} -> {s:.4f}" for m, o, s in worse)
        raise SystemExit(
            f"eval gate: not lowering floors ({listed}); floors only move up. "
            "Pass --allow-regression --note 'why' to lower them."
        )
    if worse:
        today = dt.date.today().isoformat()
        for metric, old, score in worse:
            floors.values[metric] = score
            floors.notes.append(
                {"date": today, "metric": metric, "from": f"{old:.4f}", "to": f"{score:.4f}"}
                | {"why": note or ""}
            )
            changes.append(f"{metric}: {old:.4f} -> {score:.4f} (regression allowed: {note})")
    return changes


def _outputs(values: Sequence[str]) -> dict[str, Path]:
    out = {}
    for value in values:
        name, sep, file = value.partition("=")
        if not sep or name not in {s.name for s in SCORERS}:
            names = ", ".join(s.name for s in SCORERS)
            raise SystemExit(f"eval gate: --scorer-output wants NAME=FILE, NAME one of {names}")
        out[name] = Path(file)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the scorers of ../shared; fail when a score is worse than its floor.",
        epilog="Floors live in eval/floors.toml; see the module docstring for the rules.",
    )
    parser.add_argument(
        "--floors", type=Path, default=FLOORS, help="the floors file (default: eval/floors.toml)"
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("SXCORPUS_SHARED", ROOT.parent / "shared")),
        help="where the seeds, dev sets and scorers are (default: ../shared, or $SXCORPUS_SHARED)",
    )
    parser.add_argument("--update", action="store_true", help="raise floors to the measured scores")
    parser.add_argument(
        "--allow-regression", action="store_true", help="with --update: let floors go down"
    )
    parser.add_argument("--note", help="with --allow-regression: why (kept in the floors file)")
    parser.add_argument(
        "--require-shared", action="store_true", help="exit 2 when ../shared is missing (CI)"
    )
    parser.add_argument(
        "--scorer-output",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="read scorer NAME's output (seeds, pages, text) from FILE instead of running it",
    )
    args = parser.parse_args(argv)
    if args.allow_regression and not (args.update and args.note):
        parser.error("--allow-regression needs --update and a --note saying why")
    given = _outputs(args.scorer_output)
    shared: Path = args.shared
    have_shared = (shared / "tools").is_dir()
    if not have_shared and len(given) < len(SCORERS):
        print(
            f"eval gate: {shared} not found: the seeds, real dev sets and scorers live there "
            "(beside the checkout in CI; not part of a clone). Nothing evaluated."
        )
        return EXIT_UNAVAILABLE if args.require_shared else EXIT_OK
    floors = Floors.read(args.floors)
    digest = corpus_digest(shared) if have_shared and not given else None
    scores: dict[str, float] = {}
    unreadable = []
    for scorer in SCORERS:
        output = (
            given[scorer.name].read_text(encoding="utf-8")
            if scorer.name in given
            else run_scorer(scorer, shared)
        )
        try:
            scores |= scorer.parse(output)
        except Unreadable as error:
            unreadable.append(f"FAIL  {scorer.name}: {scorer.script}: {error}")
    for line in unreadable:
        print(line)
    if args.update:
        if unreadable:
            return EXIT_BELOW
        changes = update(floors, scores, args.allow_regression, args.note)
        if digest is not None:
            if floors.digest and digest != floors.digest and not args.allow_regression:
                raise SystemExit(
                    "eval gate: the dev sets changed since the floors were pinned; "
                    "re-pin with --update --allow-regression --note 'dev sets changed'"
                )
            floors.digest = digest
        floors.write(args.floors)
        for change in changes or ["no floor moved: every score is at its floor"]:
            print(f"eval gate: {change}")
        return EXIT_OK
    lines, ok = compare(scores, floors.values)
    for line in lines:
        print(line)
    if digest is not None and floors.digest and digest != floors.digest:
        # A changed dev set is the data's doing, not the code's: the floors
        # still apply (a regression still fails), and the line says to re-pin.
        print(
            f"WARN  corpus: the dev sets changed since the floors were pinned "
            f"(digest {digest[:12]}, pinned {floors.digest[:12]}): the scores may not be "
            "comparable; re-pin with --update --allow-regression --note"
        )
    ok = ok and not unreadable
    verdict = "every floor met" if ok else "BELOW A FLOOR"
    print(f"eval gate: {verdict} (floors: {args.floors})")
    return EXIT_OK if ok else EXIT_BELOW


if __name__ == "__main__":
    sys.exit(main())
