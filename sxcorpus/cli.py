"""``sxcorpus``: one command for the whole pipeline, its subcommands those of the stages.

``sxcorpus crawl ...`` is ``python -m crawler crawl ...``; ``sxcorpus process
...`` is ``python -m cleaning process ...``; and so on for every subcommand
of the crawler's and the cleaner's command lines (``sxcorpus --help`` lists
them). Arguments, output and exit status are the stage's own, so cron sees
the real status (75 locked, 3 partial or fetched nothing, 1 failed, 2 usage).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sxcorpus import __version__

PROG = "sxcorpus"


@dataclass(frozen=True)
class Stage:
    """A stage's command line: the module with its ``build_parser`` and ``main``."""

    module: str
    title: str

    def _load(self) -> object:
        return importlib.import_module(self.module)

    def commands(self) -> dict[str, str]:
        """The stage's subcommands and their one-line help, in the stage's order."""
        build: Callable[[], argparse.ArgumentParser] = self._load().build_parser  # type: ignore[attr-defined]
        for action in build()._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {a.dest: a.help or "" for a in action._choices_actions}
                return {name: helps.get(name, "") for name in action.choices}
        return {}

    def run(self, argv: list[str]) -> int:
        main: Callable[..., int] = self._load().main  # type: ignore[attr-defined]
        return main(argv, prog=PROG)


#: The stages, in pipeline order; a command goes to the first stage that has it.
STAGES = (
    Stage("crawler.cli", "crawling (python -m crawler)"),
    Stage("cleaning.batch.cli", "cleaning (python -m cleaning)"),
)


def _usage() -> str:
    lines = [
        f"usage: {PROG} [--version] COMMAND [ARGS...]",
        "",
        "The sxcorpus pipeline: crawl news sources into WARC, clean them into a Parquet",
        "dataset. Each command is the stage's own; `sxcorpus COMMAND --help` explains it.",
    ]
    commands = [(stage, stage.commands()) for stage in STAGES]
    # The names in one column, two spaces clear of the longest (check-source).
    width = max(len(name) for _, names in commands for name in names) + 2
    for stage, names in commands:
        lines += ["", f"{stage.title}:"]
        lines += [f"  {name:<{width}}{text}" for name, text in names.items()]
    lines += ["", "options:", "  -h, --help  show this help and exit", "  --version   the version"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(_usage(), file=sys.stderr)
        return 2
    if args[0] in ("-h", "--help"):
        print(_usage())
        return 0
    if args[0] == "--version":
        print(f"{PROG} {__version__}")
        return 0
    command = args[0]
    for stage in STAGES:
        if command in stage.commands():
            return stage.run(args)
    known = [name for stage in STAGES for name in stage.commands()]
    print(
        f"{PROG}: unknown command {command!r}; commands: {', '.join(known)}"
        f" (`{PROG} --help` explains them)",
        file=sys.stderr,
    )
    return 2
