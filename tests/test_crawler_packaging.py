"""The commands as installed: ``sxcorpus`` and its subcommands, versions, ``scrapy crawl``,
the README's cron lines, the Makefile's Python check."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from crawler.lock import CrawlLock
from crawler.summary import EXIT_LOCKED, EXIT_USAGE
from tests.helpers import REPO, responses

BIN = Path(sys.executable).parent
SXCORPUS = BIN / "sxcorpus"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("cwd", REPO)
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


def test_every_command_says_the_version_written_in_pyproject():
    for command in (
        [str(SXCORPUS), "--version"],
        [sys.executable, "-m", "sxcorpus", "--version"],
        [sys.executable, "-m", "crawler", "--version"],
        [sys.executable, "-m", "cleaning", "--version"],
    ):
        result = run(command)
        assert result.returncode == 0, result.stderr
        assert re.search(rf"\b{re.escape(VERSION)}\b", result.stdout), (command, result.stdout)


def test_the_version_is_read_from_the_installed_metadata_not_written_twice():
    from importlib.metadata import version

    import sxcorpus

    assert sxcorpus.__version__ == version("sxcorpus") == VERSION
    sources = [*REPO.glob("crawler/**/*.py"), *REPO.glob("sxcorpus/*.py")]
    sources += [*REPO.glob("cleaning/batch/*.py")]
    for path in sources:
        assert f'"{VERSION}"' not in path.read_text(encoding="utf-8"), path


@pytest.mark.slow
def test_sxcorpus_runs_the_stages_subcommands_with_their_output_and_status():
    help_text = run([str(SXCORPUS), "--help"]).stdout
    for command in ("crawl", "sources", "check-source", "process", "reprocess", "summary"):
        assert re.search(rf"^  {command}\s", help_text, re.MULTILINE), command
    assert (
        run([str(SXCORPUS), "sources"]).stdout
        == run([sys.executable, "-m", "crawler", "sources"]).stdout
    )
    unknown = run([str(SXCORPUS), "crawl", "--source", "nosuch"])
    assert unknown.returncode == EXIT_USAGE
    assert "unknown source nosuch" in unknown.stderr
    assert run([str(SXCORPUS), "crawl", "--help"]).stdout.startswith("usage: sxcorpus crawl")
    assert run([str(SXCORPUS), "process", "--help"]).stdout.startswith("usage: sxcorpus process")
    nothing = run([str(SXCORPUS), "frobnicate"])
    assert nothing.returncode == EXIT_USAGE and "unknown command 'frobnicate'" in nothing.stderr


@pytest.mark.slow
def test_scrapy_crawl_source_works_from_the_project_root(tmp_path, sample_server):
    result = run(
        [
            *(sys.executable, "-m", "scrapy", "crawl", "source", "-a", "source=cedistrict"),
            *("-s", "SXCRAWL_MIRROR_ENABLED=true", "-s", f"SXCRAWL_MIRROR={sample_server.url}"),
            *("-s", f"SXCRAWL_RAW_DIR={tmp_path / 'raw'}"),
            *("-s", f"SXCRAWL_STATE_FILE={tmp_path / 'state' / 'archived.sqlite3'}"),
            *("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false"),
        ]
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Spider closed (finished)" in result.stderr
    urls = set(responses(tmp_path, "cedistrict"))
    assert len(urls) == 3 and all(u.startswith("http://district.ce.cn/") for u in urls)


def test_scrapy_crawl_with_an_unknown_source_names_the_configured_ones():
    result = run([sys.executable, "-m", "scrapy", "crawl", "source", "-a", "source=nosuch"])
    assert result.returncode != 0
    assert "no source 'nosuch'" in result.stderr and "cedistrict" in result.stderr


def cron_lines() -> list[str]:
    """The crontab lines the README and docs/crawling.md give."""
    docs = [(REPO / name).read_text(encoding="utf-8") for name in ("README.md", "docs/crawling.md")]
    blocks = [block for doc in docs for block in re.findall(r"```cron\n(.*?)```", doc, re.DOTALL)]
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert lines
    return lines


def test_readme_cron_lines_call_the_installed_command_and_report_its_status():
    for line in cron_lines():
        command = line.split(None, 5)[5]  # after the five schedule fields
        assert not re.search(r"\bmake\b", command), line  # make turns every status into 2
        calls = re.findall(r"\.venv/bin/sxcorpus (\w[\w-]*)", command)
        assert calls and set(calls) <= {"crawl", "process"}, line
        assert command.count('|| echo "sxcorpus') == len(calls), line
        assert "$?" in command


def test_a_cron_crawl_that_finds_the_lock_taken_mails_its_status_75(tmp_path):
    # The README's crawl line, run by sh as cron would, in a deployment whose
    # crawl lock another crawl holds: what it prints is what cron mails.
    crawl_only = {line for line in cron_lines() if "crawl" in line and "process" not in line}
    (line,) = crawl_only  # the same line wherever the docs give it
    command = line.split(None, 5)[5]
    deployment = tmp_path / "srv"
    (deployment / "data" / "logs").mkdir(parents=True)
    (deployment / ".venv").symlink_to(BIN.parent)
    command = command.replace("cd /srv/sxcorpus", f"cd {shlex.quote(str(deployment))}")
    with CrawlLock(deployment / "data" / "state" / "crawl.lock"):
        result = subprocess.run(
            ["sh", "-c", command], capture_output=True, text=True, timeout=120, env=os.environ
        )
    assert result.returncode == 0  # the echo's; the status is in the mail
    assert f"exit status {EXIT_LOCKED}" in result.stdout
    assert "another crawl is running" in (deployment / "data" / "logs" / "cron.log").read_text()


def test_make_refuses_a_python_older_than_3_11_before_installing(tmp_path):
    old = tmp_path / "python3.10"
    old.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Python 3.10.12"; exit 0; fi\nexit 1\n'
    )
    old.chmod(0o755)
    venv = tmp_path / "venv"
    env = {**os.environ, "MAKEFLAGS": ""}
    make = ["make", "--no-print-directory"]
    result = run([*make, "install", f"PYTHON={old}", f"VENV={venv}"], env=env)
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stdout + result.stderr
    assert "Python 3.10.12" in result.stdout + result.stderr
    assert not venv.exists()
    # With a good Python, the install says how long it takes before pip runs.
    dry = run([*make, "-n", "install", f"VENV={venv}"], env=env)
    lines = dry.stdout.splitlines()
    said = next(i for i, line in enumerate(lines) if "(about a minute)" in line)
    pip = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert said < pip
