"""``python -m cleaning report``: one self-contained HTML file whose charts render.

The report of a dataset built from the sample articles (a copy of one under
another URL, pages that fail) is written by the command line, read as text
(nothing to fetch), counted against the dataset, and opened in a real
headless Chromium (tests/chromium.py): every chart is drawn, the page is
not blank, nothing is fetched and nothing is logged as an error.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.dataset as pads
import pytest
from PIL import Image

from cleaning.batch import report
from cleaning.batch.rawio import write_warc
from cleaning.batch.read import current_version, errors_table
from cleaning.batch.run import ProcessOptions, run
from cleaning.record import RawDocument
from tests.chromium import chromium
from tests.helpers import sample_articles

CHARTS = ("months", "sources", "lengths", "groups", "repairs", "errors")

#: A chart's drawing must cover at least this share of its box in non-white
#: pixels (axes, bars and labels: the emptiest chart, "none", has ~1%).
MIN_INK = 0.005


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("report")
    raw = data / "raw" / "samples"
    raw.mkdir(parents=True)
    articles = sample_articles()[:12]
    copy = RawDocument(articles[0].body, articles[0].url + "?via=mirror", articles[0].headers)
    write_warc(raw / "articles.warc.gz", [*articles, copy])
    gone = RawDocument(b"<html><body>Not Found</body></html>", "http://gone.example.test/1.html")
    write_warc(raw / "gone.warc.gz", [gone], status="404 Not Found")
    (data / "raw" / "empty.html").write_bytes(b"   ")
    run(ProcessOptions(raw=(data / "raw",), out=data / "clean", workers=1))
    return data


@pytest.fixture(scope="module")
def page(data: Path) -> Path:
    target = data / "out" / "r.html"
    result = subprocess.run(
        [sys.executable, "-m", "cleaning", "report", "--data-dir", str(data), "--out", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert str(target) in result.stdout
    return target


def test_the_report_is_one_file_with_nothing_to_fetch(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert report.EXTERNAL.findall(text) == []
    for chart in CHARTS:
        assert f'id="chart-{chart}"' in text
    assert text.count("<svg") == len(CHARTS)


def test_the_report_counts_the_whole_dataset(data: Path) -> None:
    root = data / "clean"
    counts = report.tally(root)
    rows = pads.dataset(current_version(root) / "records").to_table()
    assert counts.records == rows.num_rows
    assert sum(counts.sites.values()) == rows.num_rows
    assert counts.errors == Counter(errors_table(root).column("reason").to_pylist())
    assert {"http-error", "empty"} <= set(counts.errors)
    # Each group counted once, at its size: one article has a copy.
    assert counts.group_sizes[2] == 1
    assert sum(size * n for size, n in counts.group_sizes.items()) == rows.num_rows
    assert counts.repairs == Counter(r for rs in rows.column("repairs").to_pylist() for r in rs)


def test_a_missing_dataset_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cleaning", "report", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "no dataset" in result.stderr
    assert not (tmp_path / "report.html").exists()


_CHART_BOXES = """
Array.from(document.querySelectorAll("figure.chart")).map(figure => {
  const svg = figure.querySelector("svg");
  const box = svg.getBoundingClientRect();
  return {id: figure.id, x: box.left + window.scrollX, y: box.top + window.scrollY,
          width: box.width, height: box.height,
          shapes: svg.querySelectorAll("path, use, rect").length,
          texts: svg.querySelectorAll("text").length};
})
"""


@pytest.mark.slow
def test_the_charts_render_in_headless_chromium(page: Path) -> None:
    with chromium() as browser:
        browser.open(page.resolve().as_uri())
        boxes = browser.evaluate(_CHART_BOXES)
        png = browser.screenshot()
        errors = browser.console_errors()
        fetched = browser.requested_urls()
    assert errors == []
    assert fetched == [page.resolve().as_uri()]
    assert [b["id"] for b in boxes] == [f"chart-{c}" for c in CHARTS]
    shot = Image.open(io.BytesIO(png)).convert("L")
    for box in boxes:
        assert box["width"] > 300 and box["height"] > 100, box
        assert box["shapes"] > 0 and box["texts"] > 0, box
        region = shot.crop(
            (
                int(box["x"]),
                int(box["y"]),
                int(box["x"] + box["width"]),
                int(box["y"] + box["height"]),
            )
        )
        histogram = region.histogram()
        ink = sum(histogram[:200]) / max(1, region.width * region.height)
        assert ink > MIN_INK, f"{box['id']} looks blank ({ink:.4f} of its pixels drawn)"
    whole = shot.histogram()
    assert sum(whole[:200]) / (shot.width * shot.height) > MIN_INK
