"""The sample server: real headers and faults of the mirror, on 127.0.0.1, with a request log."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawler.testing.sampleserver import SampleServer

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "data" / "samples" / "sites"


@pytest.fixture
def server():
    log = io.StringIO()
    with SampleServer(log_stream=log) as running:
        running.log = log
        yield running


def fetch(server: SampleServer, url: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``url`` through the server as a proxy; redirects are not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": server.url}), NoRedirect
    )
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_serves_mirrored_pages_byte_for_byte_with_their_charset(server):
    url = "http://www.zkycreaiw.com/html/54212816-1038.html"
    status, headers, body = fetch(server, url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert headers["Server"] == "Microsoft-IIS/7.5"
    assert body == (SITES / "www.zkycreaiw.com" / "html" / "54212816-1038.html").read_bytes()
    status, headers, body = fetch(server, "http://www.zkycreaiw.com/")
    assert status == 200 and body == (SITES / "www.zkycreaiw.com/index.html").read_bytes()


def test_a_query_url_is_served_from_its_file_with_its_headers(server):
    url = (
        "http://www.jnkgjtnews.com/system/_content/download.jsp"
        "?urltype=news.DownloadAttachUrl&owner=1532687361&wbfileid=4862190"
    )
    status, headers, body = fetch(server, url)
    assert status == 200
    assert headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert body.decode("utf-8").startswith("2023年党校工作报告")
    assert fetch(server, url.replace("4862190", "4862191"))[0] == 404


def test_wrong_charset_page_says_utf8_and_sends_gbk(server):
    path = "/xinhuacaijing/2022/07/18/NW202207182408350092.html"
    status, headers, body = fetch(server, "http://finews.withounder.com" + path)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "山西建投集团" in body.decode("gb18030")


def test_faults_redirect_404_fail_once_unknown_host(server):
    status, headers, _ = fetch(server, "http://zkycreaiw.com/html/54212816-1047.html")
    assert (status, headers["Location"]) == (
        301,
        "http://www.zkycreaiw.com/html/54212816-1047.html",
    )
    assert fetch(server, "http://www.zkycreaiw.com/html/54212816-1043.html")[0] == 404
    url = "http://www.eco.gov.cn/news_info/3917.html"
    first, headers, _ = fetch(server, url)
    assert (first, headers["Retry-After"]) == (503, "1")
    assert fetch(server, url)[0] == 200
    assert fetch(server, "http://www.eco.gov.cn/robots.txt")[0] == 404
    assert fetch(server, "http://elsewhere.example/")[0] == 502
    assert fetch(server, "http://www.zkycreaiw.com/../../etc/passwd")[0] == 404


def test_every_request_is_logged_in_memory_and_as_lines(server):
    fetch(server, "http://finews.withounder.com/robots.txt")
    fetch(server, "http://elsewhere.example/page")
    logged = [(r.method, r.host, r.path, r.status) for r in server.requests]
    assert logged == [
        ("GET", "finews.withounder.com", "/robots.txt", 200),
        ("GET", "elsewhere.example", "/page", 502),
    ]
    lines = server.log.getvalue().splitlines()
    assert lines[1].endswith(" GET elsewhere.example /page 502")


def test_direct_requests_route_by_host_header(server):
    request = urllib.request.Request(
        server.url + "/newarea/sxpd/index.shtml", headers={"Host": "district.ce.cn"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/html"
        assert b"charset=gb2312" in response.read()


def test_command_line_prints_its_address_and_stops_on_sigterm(tmp_path):
    log = tmp_path / "requests.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.testing.sampleserver", "--port", "0", "--log", str(log)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline().strip()
        assert first.startswith("serving http://127.0.0.1:")
        port = int(first.rsplit(":", 1)[1])
        assert port > 0
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({"http": f"http://127.0.0.1:{port}"})
        )
        with opener.open("http://www.sxrb.com/robots.txt", timeout=10) as response:
            assert response.status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        proc.stdout.close()
    assert log.read_text().strip().endswith("GET www.sxrb.com /robots.txt 200")


def test_command_line_refuses_a_directory_that_is_not_a_mirror(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "crawler.testing.sampleserver", "--root", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ},
    )
    assert result.returncode == 2
    assert "not a sample mirror" in result.stderr
