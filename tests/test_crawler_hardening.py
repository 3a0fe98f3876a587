"""The crawl as an operator meets it: no open port, no stray files, clear refusals, full disks.

Every crawl runs ``python -m crawler crawl`` in a child process against the
sample server on 127.0.0.1, as cron would.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from crawler import cli
from crawler.preflight import check_overrides
from crawler.runlog import prune
from crawler.summary import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from crawler.testing.sampleserver import SampleServer
from crawler.warc import _end_of_whole_records
from tests.helpers import CRAWL_TIMEOUT, FAST, REPO, crawl_command, responses, warc_records

# A port nothing listens on: crawls refused at start never get to use it.
NOWHERE = "http://127.0.0.1:9"


def refused(*extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        crawl_command("--mirror", NOWHERE, *extra),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
        env=env,
    )


def recorded(data: Path) -> set[str]:
    """The article URLs the archived-articles store holds (redirect sources aside)."""
    db = sqlite3.connect(data / "state" / "archived.sqlite3")
    try:
        return {row[0] for row in db.execute("SELECT url FROM archived WHERE warc_file != ''")}
    finally:
        db.close()


# --- no listening socket, no file outside the data directory -------------------------


def listening_ports(pid: int) -> tuple[set[str], int]:
    """(TCP ports ``pid`` listens on, how many sockets it has open) from /proc."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    except OSError:  # the process ended while we looked
        return set(), 0
    ports = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: TCP_LISTEN
                ports.add(fields[1])
    return ports, len(inodes)


@pytest.fixture(scope="module")
def watched_crawl(tmp_path_factory):
    """One crawl with its own home, working and temporary directories, watched from /proc.

    Old crawl logs are planted in its data directory first.
    """
    root = tmp_path_factory.mktemp("watched")
    home, cwd, tmp, data = (root / name for name in ("home", "cwd", "tmp", "data"))
    for path in (home, cwd, tmp, data / "logs"):
        path.mkdir(parents=True)
    now = dt.datetime.now(dt.UTC)
    old = data / "logs" / "crawl-20200101T000000Z.log"
    recent = data / "logs" / f"crawl-{(now - dt.timedelta(days=2)):%Y%m%dT%H%M%SZ}.log"
    other = data / "logs" / "cron.log"
    for path in (old, recent, other):
        path.write_text("an earlier run\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "SCRAPY_")) and key not in ("TMPDIR", "HOME")
    }
    env.update(HOME=str(home), TMPDIR=str(tmp))
    seen_ports: set[str] = set()
    most_sockets = 0
    with SampleServer() as server:
        proc = subprocess.Popen(
            crawl_command(
                *("--mirror", server.url, "--data-dir", str(data), "--source", "cedistrict"),
                *("--keep-logs", "30", "--set", "DOWNLOAD_DELAY=0.2"),
                *("--set", "AUTOTHROTTLE_ENABLED=false"),
            ),
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while proc.poll() is None:
            ports, sockets = listening_ports(proc.pid)
            seen_ports |= ports
            most_sockets = max(most_sockets, sockets)
            time.sleep(0.02)
        out, err = proc.communicate(timeout=CRAWL_TIMEOUT)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {
        "root": root,
        "data": data,
        "status": proc.returncode,
        "out": out,
        "err": err,
        "ports": seen_ports,
        "most_sockets": most_sockets,
        "files": files,
        "logs": (old, recent, other),
    }


@pytest.mark.slow
def test_a_crawl_listens_on_no_port(watched_crawl):
    assert watched_crawl["status"] == EXIT_OK, watched_crawl["err"][-2000:]
    # The watch saw the crawl's connections to the server: it was looking.
    assert watched_crawl["most_sockets"] > 0
    assert watched_crawl["ports"] == set()


@pytest.mark.slow
def test_a_crawl_writes_nothing_outside_its_data_directory(watched_crawl):
    data = watched_crawl["data"]
    outside = [p for p in watched_crawl["files"] if data not in p.parents]
    assert outside == []  # no token file in the home directory, nothing in cwd or TMPDIR
    assert list((data / "raw" / "cedistrict").glob("*.warc.gz"))


@pytest.mark.slow
def test_crawl_logs_older_than_the_kept_days_are_deleted(watched_crawl):
    old, recent, other = watched_crawl["logs"]
    assert not old.exists()
    assert recent.exists() and other.exists()
    assert len(list((watched_crawl["data"] / "logs").glob("crawl-*.log"))) == 2


def test_prune_judges_by_the_time_in_the_name_and_zero_keeps_all(tmp_path):
    now = dt.datetime(2024, 3, 31, 12, tzinfo=dt.UTC)
    names = ["crawl-20240229T120000Z.log", "crawl-20240301T130000Z.log", "cron.log"]
    for name in names:
        (tmp_path / name).write_text("x")
    assert prune(tmp_path, 0, now) == []
    assert prune(tmp_path, 30, now) == [tmp_path / "crawl-20240229T120000Z.log"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names[1:]


# --- refused at start: one line, status 2 ------------------------------------------


def assert_one_line_refusal(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == EXIT_USAGE, result.stderr[-2000:]
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0]


def refused_in_process(capsys, *args: str) -> subprocess.CompletedProcess[str]:
    """``refused`` without the child process: the checks run before any crawl starts."""
    status = cli.main(["crawl", "--mirror", NOWHERE, *args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, status, out, err)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--contact", "mailto:ops@example.org\r\nX-Injected: yes"], "the contact"),
        (["--contact", "mailto:ops@example.org\nX-Injected: yes"], "the contact"),
        (["--contact", "mailto:ops@example.org\x1b[2J"], "the contact"),
        (["--set", "SXCRAWL_CONTACT=mailto:ops@example.org\rX-Injected: yes"], "the contact"),
        (["--set", "USER_AGENT=bot/1.0\r\nX-Injected: yes"], "USER_AGENT"),
        (["--set", 'DEFAULT_REQUEST_HEADERS={"Accept": "text/html\\r\\nX-Injected: yes"}'],
         "DEFAULT_REQUEST_HEADERS"),
    ],
)  # fmt: skip
def test_a_control_character_in_a_header_value_is_refused_at_start(tmp_path, capsys, args, named):
    data = tmp_path / "data"
    result = refused_in_process(capsys, "--data-dir", str(data), "--source", "cedistrict", *args)
    assert_one_line_refusal(result, named, "control character")
    assert not data.exists()  # refused before anything was written


def test_a_contact_from_the_environment_with_a_line_break_is_refused_by_the_command(tmp_path):
    env = {**os.environ, "SXCORPUS_CONTACT": "mailto:ops@example.org\r\nX-Injected: yes"}
    data = tmp_path / "data"
    result = refused("--data-dir", str(data), "--source", "cedistrict", env=env)
    assert_one_line_refusal(result, "the contact", "control character")
    assert not data.exists()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("DOWNLOAD_DELAY=abc", "DOWNLOAD_DELAY is a number"),
        ("ROBOTSTXT_OBEY=maybe", "ROBOTSTXT_OBEY is a boolean"),
        ("CONCURRENT_REQUESTS=0", "more than zero"),
        ("DOWNLOAD_DELAY=-1", "zero or more"),
        ("LOG_LEVEL=LOUD", "not a log level"),
        ("DOWNLOADER_MIDDLEWARES={x", "not a JSON object"),
        ('ITEM_PIPELINES={"no.such.Pipeline": 300}', "cannot import"),
        ("TWISTED_REACTOR=no.such.Reactor", "cannot import"),
        ("DOWNLOAD_DELAY", "NAME=VALUE"),
    ],
)
def test_a_bad_setting_is_one_line_and_status_2(tmp_path, capsys, setting, expected):
    result = refused_in_process(capsys, "--data-dir", str(tmp_path / "data"), "--set", setting)
    assert_one_line_refusal(result, "--set", expected)


def test_the_command_refuses_a_bad_setting_with_one_line_and_status_2(tmp_path):
    result = refused("--data-dir", str(tmp_path / "data"), "--set", "DOWNLOAD_DELAY=abc")
    assert_one_line_refusal(result, "--set DOWNLOAD_DELAY=abc", "is a number")
    assert not (tmp_path / "data").exists()


def test_an_unknown_setting_name_is_a_warning():
    warnings = check_overrides({"DOWNLAOD_DELAY": "0", "DOWNLOAD_DELAY": "0"}, cli._base_settings())
    assert warnings == ["--set DOWNLAOD_DELAY: not a Scrapy or crawler setting (a typo?);"
                        " passed on as given"]  # fmt: skip


@pytest.mark.slow
def test_a_crawl_with_an_unknown_setting_warns_and_runs(tmp_path, sample_server):
    result = subprocess.run(
        [
            *crawl_command("--mirror", sample_server.url, "--data-dir", str(tmp_path)),
            *("--source", "cedistrict", *FAST, "--set", "DOWNLAOD_DELAY=0"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
    )
    assert result.returncode == EXIT_OK, result.stderr[-2000:]
    assert "--set DOWNLAOD_DELAY: not a Scrapy or crawler setting" in result.stderr


def test_an_unusable_data_directory_is_one_line_and_status_2(tmp_path, capsys):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory\n")
    cases = {
        a_file: "not a directory",
        a_file / "data": "Not a directory",
        # sysfs refuses new directories to every user, root included.
        Path("/sys/sxcorpus-data"): "cannot write in /sys/sxcorpus-data/raw",
    }
    for data, expected in cases.items():
        result = refused_in_process(capsys, "--data-dir", str(data), "--source", "cedistrict")
        assert_one_line_refusal(result, f"--data-dir {data}", expected)
    # The same through the command, as cron runs it.
    result = refused("--data-dir", str(a_file / "data"), "--source", "cedistrict")
    assert_one_line_refusal(result, f"--data-dir {a_file / 'data'}", "Not a directory")


# --- the contact ---------------------------------------------------------------------


@pytest.mark.slow
def test_a_given_contact_is_used_and_no_contact_warning_is_logged(tmp_path, sample_server):
    # A live crawl (no --mirror) warns when no contact is set. The sample
    # server stands in for the sites as the HTTP proxy of the environment, so
    # that nothing leaves 127.0.0.1.
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy")}
    env.pop("SXCORPUS_CONTACT", None)
    contact = "mailto:corpus-team@uni.example"
    logs = tmp_path / "logs"

    def live_crawl(*extra: str) -> str:
        before = set(logs.glob("*.log")) if logs.exists() else set()
        result = subprocess.run(
            crawl_command("--data-dir", str(tmp_path), "--source", "cedistrict", *FAST, *extra),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=CRAWL_TIMEOUT,
            env={**env, "http_proxy": sample_server.url},
        )
        assert result.returncode == EXIT_OK, result.stderr[-2000:]
        (log,) = set(logs.glob("*.log")) - before
        return log.read_text(encoding="utf-8")

    with_contact = live_crawl("--contact", contact)
    without = live_crawl()
    assert sample_server.requests  # both went through the server
    assert "no contact set" not in with_contact
    assert "no contact set" in without
    requests = [r for r in warc_records(tmp_path, "cedistrict") if r["type"] == "request"]
    agents = {r["user_agent"] for r in requests}
    assert agents and all(contact in agent for agent in agents)


# --- a full disk ---------------------------------------------------------------------

BULK_HOST = "bulk.example"
BULK_ARTICLES = 12
# Each article page is ~60 KB of text that compresses to ~45 KB: the WARC file
# grows much faster than the log (~10 KB) or the state file's journal.
BULK_CHARS = 20_000
# What the crawl's files may grow to, as on a disk with this much room left:
# about four articles' worth.
ROOM = 200_000


@pytest.fixture(scope="module")
def bulk_mirror(tmp_path_factory):
    """A mirror of one site with large article pages, and its sites directory."""
    root = tmp_path_factory.mktemp("bulk")
    site = root / "mirror" / "sites" / BULK_HOST
    (site / "a").mkdir(parents=True)
    rng = random.Random(11)
    for n in range(BULK_ARTICLES):
        paragraphs = "".join(
            "<p>" + "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(500)) + "。</p>"
            for _ in range(BULK_CHARS // 500)
        )
        title = f"集团公司召开第{n + 1}次安全生产工作会议"
        page = (
            f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<h1>{title}</h1><div class="info">发布时间：2024-03-{n + 1:02d} 10:00</div>'
            f'<div class="content">{paragraphs}</div></body></html>'
        )
        (site / "a" / f"{n}.html").write_text(page, encoding="utf-8")
    links = "".join(f'<li><a href="/a/{n}.html">{n}</a></li>' for n in range(BULK_ARTICLES))
    (site / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>")
    (root / "mirror" / "mirror").mkdir()
    (root / "mirror" / "mirror" / f"{BULK_HOST}.toml").write_text(
        f'host = "{BULK_HOST}"\n[defaults]\ncontent_type = "text/html; charset=utf-8"\n'
    )
    (root / "sites").mkdir()
    (root / "sites" / "bulk.toml").write_text(
        "[source]\n"
        'name = "bulk"\n'
        f'base_url = "http://{BULK_HOST}/"\n'
        'start_urls = ["/"]\n'
        f'allowed_domains = ["{BULK_HOST}"]\n'
        "listing_patterns = ['^/$']\n"
        "article_pattern = '^/a/\\d+\\.html$'\n"
    )
    return root


def _room_left(limit: int):
    def apply() -> None:
        # The kernel fails writes that would make a file larger than this with
        # EFBIG, as a full disk fails them with ENOSPC (Python ignores SIGXFSZ).
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _next_run_archives_each_article_once(command: list[str], data: Path) -> None:
    """Run the crawl again (its sample server still up): it ends well, every
    article of the mirror is archived exactly once and the store agrees."""
    again = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=CRAWL_TIMEOUT)
    assert again.returncode == EXIT_OK, again.stderr[-2000:]
    final = responses(data)
    assert len(final) == BULK_ARTICLES
    assert set(final.values()) == {1}
    assert recorded(data) == set(final)


@pytest.mark.slow
def test_after_a_disk_full_stop_articles_are_whole_and_the_store_agrees(bulk_mirror, tmp_path):
    data = tmp_path / "data"
    command = crawl_command("--sites", str(bulk_mirror / "sites"), "--data-dir", str(data), *FAST)
    with SampleServer(bulk_mirror / "mirror") as server:
        command += ["--mirror", server.url]
        full = subprocess.run(
            command,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=CRAWL_TIMEOUT,
            preexec_fn=_room_left(ROOM),
        )
        # The stop: the run failed, said why, and left no file half written.
        assert full.returncode == EXIT_FAILED, full.stderr[-2000:]
        assert "crawl bulk: FAILED" in full.stdout
        log = "".join(p.read_text(encoding="utf-8") for p in (data / "logs").glob("*.log"))
        assert "not archived: cannot write to the archive" in log
        assert "stopping the crawl of bulk" in log
        assert not list((data / "raw").glob("*/*.open"))
        for path in (data / "raw").glob("*/*.warc.gz"):
            assert _end_of_whole_records(path) == path.stat().st_size
        first = responses(data)
        assert 0 < len(first) < BULK_ARTICLES
        assert set(first.values()) == {1}
        assert recorded(data) == set(first)

        # Room again: the next run archives the rest, each article once.
        _next_run_archives_each_article_once(command, data)


@pytest.mark.slow
def test_a_crawl_killed_while_it_writes_is_recovered_and_reconciled_by_the_next(
    bulk_mirror, tmp_path
):
    # kill -9 while the crawl writes: whatever the moment (mid-record, or
    # between an article's records and its URL's commit), the next run finds
    # every article archived exactly once and the store agreeing with it.
    data = tmp_path / "data"
    slow = ["--set", "DOWNLOAD_DELAY=0.1", "--set", "DOWNLOAD_DELAY_JITTER=0"]
    with SampleServer(bulk_mirror / "mirror") as server:
        command = crawl_command(
            *("--sites", str(bulk_mirror / "sites"), "--data-dir", str(data)),
            *("--mirror", server.url, *FAST, *slow),
        )
        proc = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                opened = list((data / "raw").glob("*/*.open"))
                if opened and opened[0].stat().st_size > 3 * ROOM // 4:
                    break
                time.sleep(0.01)
        finally:
            proc.kill()
            proc.wait(timeout=CRAWL_TIMEOUT)
        assert list((data / "raw").glob("*/*.open"))  # killed mid-crawl, its file open
        _next_run_archives_each_article_once(command, data)
    log = "".join(p.read_text(encoding="utf-8") for p in (data / "logs").glob("*.log"))
    assert "recovered" in log
