"""Synthetic damage benchmark for ``cleaning.repair_text``.

Every clean passage of ``bench/passages/`` is damaged through every chain of
``bench/damage.py`` and repaired; per chain the benchmark prints the share of
passages restored exactly and the mean character error rate (CER: Levenshtein
distance divided by the expected length), each beside the target of issue 2
with a pass/fail mark, and a few failures (expected vs got). Then the share of
clean passages left unchanged (simplified: output == input; traditional:
output == its simplified original) and the throughput of ``repair_text`` on
clean simplified, clean traditional and damaged text, single process.

Run it with ``make bench ARGS=repair`` or ``python bench/run.py repair``;
options (``--name=value`` form, so ``bench/run.py`` passes them through):
``--examples=N`` failures shown per chain (default 3), ``--chain=NAME``
only the chains whose name contains NAME, ``--runs=N`` timing runs, best of,
``--passages=N`` only the first N passages, ``--chars=N`` size of the
throughput texts, ``--time-limit=S`` seconds a repair of one passage may take
before it counts as a miss (the benchmark always finishes).
The figures are printed, never asserted; the test suite checks the repairs.
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import damage  # noqa: E402  (the project root is put on the path just above)
from bench.passages.corpus import Passage, load_passages  # noqa: E402

#: Seed of the farm tables; one fixed seed keeps figures comparable across runs.
FARM_SEED = 20220222

#: Number of different farm tables; passage i uses table i mod FARM_TABLES, so
#: the benchmark sees several farms' choices of characters, not one.
FARM_TABLES = 3

#: Size of the throughput texts: "a few thousand characters" of concatenated
#: passages, enough to time above the clock's resolution, small enough to
#: keep the whole benchmark within about two minutes.
THROUGHPUT_CHARS = 6000

#: Timing runs per throughput figure (the best one is reported: the others
#: measure the machine's other work).
TIMING_RUNS = 5

#: Speed targets of issue 2, in bytes of UTF-8 per second, per core.
SPEED_TARGETS = {
    "clean simplified": 3_000_000,
    "clean traditional": 800_000,
    "damaged": 200_000,
}

EXAMPLES = 3

#: Seconds one ``repair_text`` call on a passage may take before the benchmark
#: stops it and counts a miss: a repair in progress can loop or explode
#: combinatorially, and the benchmark must still finish. A passage of 150
#: characters takes under a millisecond at the damaged-text target (200 KB/s);
#: two seconds is a thousand times that, and keeps a chain given up after
#: MAX_TIMEOUTS within a few seconds.
REPAIR_TIME_LIMIT = 2.0

#: The limit for a throughput text is this many times the passage limit (the
#: text is about 6,000 characters, some 100 passages).
THROUGHPUT_LIMIT_FACTOR = 4


#: Timeouts in a row after which a chain's remaining passages are not
#: repaired at all but counted as misses: a repair that is slow on a whole
#: kind of damage then costs seconds, not 438 times the limit, while one that
#: is slow on a few passages is still measured on all the others.
MAX_TIMEOUTS = 3


class RepairTimeout(Exception):
    """A repair call ran past the benchmark's time limit."""


def time_limited(repair: Callable[[str], str], seconds: float) -> Callable[[str], str]:
    """``repair``, stopped with ``RepairTimeout`` when one call runs past ``seconds``.

    Uses the real-time interval timer (SIGALRM), so it must run in the main
    thread, as the benchmark does. A timer already set (pytest-timeout sets
    one) is put back afterwards, less the time spent.
    """

    def on_alarm(signum: int, frame: object) -> None:
        raise RepairTimeout(f"repair_text took more than {seconds:g} s")

    def run(text: str) -> str:
        previous_handler = signal.signal(signal.SIGALRM, on_alarm)
        previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
        started = time.monotonic()
        try:
            return repair(text)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if previous_delay:
                left = max(previous_delay - (time.monotonic() - started), 0.001)
                signal.setitimer(signal.ITIMER_REAL, left, previous_interval)

    return run


@dataclass(frozen=True, slots=True)
class Target:
    """What issue 2 asks of a chain: a floor on exact restorations, a ceiling on mean CER."""

    min_exact: float | None = None
    max_cer: float | None = None


@dataclass(frozen=True, slots=True)
class Chain:
    """A damage chain: how to damage a passage and what its repair must give back."""

    name: str
    damage: Callable[[Passage, int], str]
    target: Target
    note: str
    expected: Callable[[Passage], str] = lambda passage: passage.simplified
    #: The same damage without its hard part (for the farm: readings at
    #: character boundaries only), to count and show the hard passages apart.
    easy: Callable[[Passage, int], str] | None = None


@dataclass(slots=True)
class Result:
    """Figures of one chain over the passages."""

    chain: Chain
    passages: int = 0
    exact: int = 0
    cer_sum: float = 0.0
    damaged: int = 0
    hard: int = 0
    hard_exact: int = 0
    errors: int = 0
    timeouts: int = 0
    given_up: int = 0
    first_error: str = ""
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exact_share(self) -> float:
        return self.exact / self.passages if self.passages else 0.0

    @property
    def mean_cer(self) -> float:
        return self.cer_sum / self.passages if self.passages else 0.0

    def passed(self) -> bool:
        target = self.chain.target
        return (target.min_exact is None or self.exact_share >= target.min_exact) and (
            target.max_cer is None or self.mean_cer <= target.max_cer
        )


def cer(got: str, expected: str) -> float:
    """Character error rate: edit distance over the expected length."""
    return Levenshtein.distance(got, expected) / max(1, len(expected))


def farm_tables(passages: Sequence[Passage]) -> list[dict[str, str]]:
    """FARM_TABLES farm tables over the traditional passages, seeded by FARM_SEED."""
    traditional = [passage.traditional for passage in passages]
    return [
        damage.build_farm_table(traditional, random.Random(FARM_SEED + index))
        for index in range(FARM_TABLES)
    ]


#: Where the lossy UTF-8-as-GBK chain breaks a passage into lines: after
#: sentence and clause ends, as Markdown and plain-text files keep them, so
#: that ASCII bytes (line breaks) follow Chinese text as often as in the files
#: this damage is found in.
LINE_ENDS = re.compile("(?<=[。；：])(?=.)")


def lines_of(text: str) -> str:
    """A passage with a line break after each sentence and clause end."""
    return LINE_ENDS.sub("\n", text)


def build_chains(passages: Sequence[Passage]) -> list[Chain]:
    """Every chain of the benchmark, with the targets of issue 2."""
    tables = farm_tables(passages)

    def farm(keep: bool) -> Callable[[Passage, int], str]:
        def run(passage: Passage, index: int) -> str:
            table = tables[index % len(tables)]
            return damage.farm_damage(passage.traditional, table, keep_user_defined=keep)

        return run

    def residue(passage: Passage, index: int) -> str:
        return damage.pinyin_residue(passage.traditional, tables[index % len(tables)])

    def simplified(func: Callable[[str], str]) -> Callable[[Passage, int], str]:
        return lambda passage, _index: func(passage.simplified)

    lossless = Target(min_exact=0.99)
    return [
        Chain("clean simplified", simplified(str), Target(min_exact=1.0), "must stay unchanged"),
        Chain(
            "clean traditional",
            lambda passage, _index: passage.traditional,
            Target(min_exact=1.0),
            "only converted to simplified",
        ),
        Chain("gbk-as-latin1", simplified(damage.gbk_as_latin1), lossless, "lossless"),
        Chain("gbk-as-cp1252", simplified(damage.gbk_as_cp1252), lossless, "lossless"),
        Chain("utf8-as-cp1252", simplified(damage.utf8_as_cp1252), lossless, "lossless"),
        Chain(
            "big5-as-gbk",
            lambda passage, _index: damage.big5_as_gbk(passage.traditional),
            lossless,
            "lossless; traditional in",
        ),
        Chain("utf8-as-latin1", simplified(damage.utf8_as_latin1), Target(), "lossless"),
        Chain("gbk-as-mixed-utf8", simplified(damage.gbk_as_mixed), Target(), "ǰÑÔ for 前言"),
        Chain(
            "gbk-as-mixed-utf8-twice",
            simplified(damage.gbk_as_mixed_twice),
            Target(min_exact=0.95),
            "two passes of the mixed decoder",
        ),
        Chain("utf8-as-gbk", simplified(damage.utf8_as_gbk), Target(max_cer=0.01), "partly lossy"),
        Chain(
            "utf8-as-gbk-lossy",
            lambda passage, _index: damage.utf8_as_gbk_lossy(lines_of(passage.simplified)),
            Target(max_cer=0.02),
            "code page 936: ? for an odd byte and the ASCII after",
            expected=lambda passage: lines_of(passage.simplified),
        ),
        Chain("gbk-as-big5", simplified(damage.gbk_as_big5), Target(), "partly lossy"),
        Chain("pinyin-residue", residue, Target(), "farm table, no misaligned match"),
        Chain(
            "farm, user-defined kept",
            farm(True),
            Target(min_exact=0.93, max_cer=0.003),
            "misaligned GBK, private-use characters kept",
            easy=residue,
        ),
        Chain(
            "farm, user-defined dropped",
            farm(False),
            Target(min_exact=0.80, max_cer=0.01),
            "misaligned GBK, bytes dropped",
            easy=residue,
        ),
    ]


def evaluate(
    chain: Chain,
    passages: Sequence[Passage],
    repair: Callable[[str], str],
    *,
    examples: int = EXAMPLES,
) -> Result:
    """Damage every passage through ``chain``, repair it, and score the output.

    A passage the chain cannot damage (text Big5 cannot encode) is left out;
    a repair that raises (or times out, see ``time_limited``) counts as a
    miss whose output is the damaged text.
    The examples of failures show hard passages (see ``Chain.easy``) first.
    """
    result = Result(chain)
    easy_failures: list[tuple[str, str, str]] = []
    timeouts_in_a_row = 0
    started = time.perf_counter()
    for index, passage in enumerate(passages):
        try:
            damaged = chain.damage(passage, index)
        except UnicodeEncodeError:
            continue
        expected = chain.expected(passage)
        try:
            if timeouts_in_a_row >= MAX_TIMEOUTS:
                raise RepairTimeout("not run: the chain was given up")
            got = repair(damaged)
            timeouts_in_a_row = 0
        except RepairTimeout:
            result.timeouts += 1
            timeouts_in_a_row += 1
            result.given_up += timeouts_in_a_row > MAX_TIMEOUTS
            got = damaged
        except Exception:  # the repair is a work in progress: a crash is one miss
            result.errors += 1
            result.first_error = result.first_error or traceback.format_exc(limit=-3)
            got = damaged
        hard = chain.easy is not None and damaged != chain.easy(passage, index)
        result.passages += 1
        result.damaged += damaged != expected
        result.hard += hard
        result.cer_sum += cer(got, expected)
        if got == expected:
            result.exact += 1
            result.hard_exact += hard
        elif hard and len(result.failures) < examples:
            result.failures.append((damaged, expected, got))
        elif len(easy_failures) < examples:
            easy_failures.append((damaged, expected, got))
    result.failures = (result.failures + easy_failures)[:examples]
    result.seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True, slots=True)
class Throughput:
    """Best-of-runs speed of the repair over one text."""

    label: str
    chars: int
    utf8_bytes: int
    seconds: float

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else float("inf")

    @property
    def bytes_per_second(self) -> float:
        return self.utf8_bytes / self.seconds if self.seconds else float("inf")


def concatenated(texts: Sequence[str], size: int = THROUGHPUT_CHARS) -> str:
    """Texts joined as paragraphs until the result reaches ``size`` characters."""
    chosen: list[str] = []
    total = 0
    for text in texts:
        if total >= size:
            break
        chosen.append(text)
        total += len(text) + 1
    return "\n".join(chosen)


def time_repair(label: str, text: str, repair: Callable[[str], str], runs: int) -> Throughput:
    """Best of ``runs`` timings of ``repair(text)``, each as if the text were new.

    The repairs memoize what they computed about texts they saw (word-model
    windows, repaired lines); that is forgotten before each run, so a run does
    not profit from the evaluation or from the run before it.
    """
    from cleaning.text.repair import forget_texts

    best = float("inf")
    for _ in range(runs):
        forget_texts()
        started = time.perf_counter()
        repair(text)
        best = min(best, time.perf_counter() - started)
    return Throughput(label, len(text), len(text.encode("utf-8")), best)


def damaged_mix(chains: Sequence[Chain], passages: Sequence[Passage]) -> list[str]:
    """Damaged passages taking the damaging chains in turn (clean chains left out)."""
    damaging = [chain for chain in chains if not chain.name.startswith("clean")]
    texts = []
    for index, passage in enumerate(passages):
        chain = damaging[index % len(damaging)]
        try:
            texts.append(chain.damage(passage, index))
        except UnicodeEncodeError:
            continue
    return texts


#: Characters of context shown around the first difference of a failure.
CONTEXT = 12

#: Characters of a damaged passage shown beside a failure.
CLIP = 60


def first_difference(expected: str, got: str) -> tuple[str, str]:
    """The first differing stretch of ``expected`` and ``got``, with CONTEXT around it."""
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    for tag, start, end, got_start, got_end in matcher.get_opcodes():
        if tag != "equal":
            return (
                expected[max(0, start - CONTEXT) : end + CONTEXT],
                got[max(0, got_start - CONTEXT) : got_end + CONTEXT],
            )
    return expected, got


def _clip(text: str) -> str:
    return text if len(text) <= CLIP else text[:CLIP] + "…"


def _mark(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def _share(value: float) -> str:
    return f"{value * 100:6.1f}%"


def print_results(results: Sequence[Result]) -> None:
    """The per-chain table, then the examples of failures."""
    print(
        f"{'chain':<28}{'passages':>9}{'changed':>9}{'exact':>9}  {'target':<12}"
        f"{'mean CER':>9}  {'target':<14}{'s':>6}  note"
    )
    for result in results:
        target = result.chain.target
        exact_target = (
            f">={target.min_exact * 100:.0f}% {_mark(result.exact_share >= target.min_exact)}"
            if target.min_exact is not None
            else "-"
        )
        cer_target = (
            f"<={target.max_cer:.3f} {_mark(result.mean_cer <= target.max_cer)}"
            if target.max_cer is not None
            else "-"
        )
        print(
            f"{result.chain.name:<28}{result.passages:>9}{result.damaged:>9}"
            f"{_share(result.exact_share):>9}  {exact_target:<12}{result.mean_cer:>9.4f}  "
            f"{cer_target:<14}{result.seconds:>6.1f}  {result.chain.note}"
        )
    for result in results:
        if result.chain.easy is not None:
            share = result.hard_exact / result.hard if result.hard else 0.0
            print(
                f"{result.chain.name}: {result.hard} passages with a misaligned match, "
                f"{_share(share).strip()} of them restored exactly"
            )
    for result in results:
        if result.timeouts:
            skipped = result.given_up
            print(
                f"\n{result.chain.name}: repair_text ran past the time limit on "
                f"{result.timeouts - skipped} passages"
                + (f", then {skipped} were not run" if skipped else "")
                + " (all counted as misses)"
            )
        if result.errors:
            print(f"\n{result.chain.name}: repair_text raised on {result.errors} passages; first:")
            print(result.first_error.rstrip())
        if result.failures:
            print(f"\n{result.chain.name}: {result.passages - result.exact} not restored, e.g.")
            for damaged, expected, got in result.failures:
                want, have = first_difference(expected, got)
                print(f"  damaged  {_clip(damaged)!r}")
                print(f"  expected {_clip(want)!r}")
                print(f"  got      {_clip(have)!r}")


def print_unchanged(results: Sequence[Result]) -> None:
    """The share of clean passages the repair left as they were."""
    for result in results:
        if result.chain.name.startswith("clean"):
            print(
                f"clean passages unchanged, {result.chain.name[6:]}: "
                f"{_share(result.exact_share).strip()} of {result.passages} "
                f"(target 100%: {_mark(result.exact_share == 1.0)})"
            )


def print_throughput(figures: Sequence[Throughput]) -> None:
    """Throughput figures with the speed targets of issue 2."""
    for figure in figures:
        target = SPEED_TARGETS[figure.label]
        print(
            f"throughput, {figure.label:<18} {figure.chars_per_second:>12,.0f} chars/s "
            f"{figure.bytes_per_second / 1e6:>8.2f} MB/s UTF-8 "
            f"(target >= {target / 1e6:g} MB/s: {_mark(figure.bytes_per_second >= target)}; "
            f"{figure.chars} chars, best of runs {figure.seconds * 1000:.1f} ms)"
        )


def repair_names(repairs: Iterable[object]) -> str:
    """The repairs' names for the header, whatever shape the repair list has.

    Entries are ``(name, function)`` pairs or named functions; the benchmark
    only reads them, so it keeps running while the list changes shape.
    """
    names = []
    for entry in repairs:
        if isinstance(entry, tuple) and entry and isinstance(entry[0], str):
            names.append(entry[0])
        else:
            names.append(getattr(entry, "__name__", type(entry).__name__))
    return ", ".join(names) or "(none yet)"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/bench_repair.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--examples", type=int, default=EXAMPLES, help="failures shown per chain")
    parser.add_argument("--chain", default="", help="only chains whose name contains this")
    parser.add_argument("--runs", type=int, default=TIMING_RUNS, help="timing runs, best of")
    parser.add_argument(
        "--passages", type=int, default=0, help="only the first N passages (default: all)"
    )
    parser.add_argument(
        "--chars", type=int, default=THROUGHPUT_CHARS, help="size of each throughput text"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=REPAIR_TIME_LIMIT,
        help="seconds one repair of a passage may take before it counts as a miss",
    )
    args, _names = parser.parse_known_args(argv)
    return args


def main(argv: Sequence[str]) -> int:
    from cleaning import CLEANER_VERSION, repair_text
    from cleaning.text import repair as repair_module

    args = parse_args(argv)
    passages = load_passages()
    chains = build_chains(passages)
    if args.passages > 0:
        passages = passages[: args.passages]
    print(
        f"repair_text of cleaner {CLEANER_VERSION}, repairs in order: "
        f"{repair_names(getattr(repair_module, 'REPAIRS', ()))}"
    )
    print(f"{len(passages)} clean passages, {FARM_TABLES} farm tables (seed {FARM_SEED})\n")
    selected = [chain for chain in chains if args.chain in chain.name]
    from cleaning.text import wordmodel

    print(f"word model loaded in {wordmodel.load():.1f} s (once per process, not timed below)\n")
    limited_repair = time_limited(repair_text, args.time_limit)
    results = [
        evaluate(chain, passages, limited_repair, examples=args.examples) for chain in selected
    ]
    print_results(results)
    print()
    print_unchanged(results)

    clean = [passage.simplified for passage in passages]
    traditional = [passage.traditional for passage in passages]
    texts = {
        "clean simplified": concatenated(clean, args.chars),
        "clean traditional": concatenated(traditional, args.chars),
        "damaged": concatenated(damaged_mix(chains, passages), args.chars),
    }
    figures = []
    print()
    for label, text in texts.items():
        # The first call warms up one-time loading; it is not timed.
        limited_repair = time_limited(repair_text, args.time_limit * THROUGHPUT_LIMIT_FACTOR)
        try:
            limited_repair(text)
            figures.append(time_repair(label, text, limited_repair, args.runs))
        except Exception as error:  # a crash or a timeout is reported, not a benchmark abort
            print(f"throughput, {label}: no figure, repair_text failed: {error!r}")
    print_throughput(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
