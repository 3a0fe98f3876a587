"""``python -m cleaning report``: the whole dataset at a glance, as one HTML file.

The report reads the published version (never the bodies: a scan of a few
small columns, a batch at a time, so memory does not grow with the corpus)
and draws, with matplotlib:

- articles per month of publication, stacked by site (undated ones counted
  apart);
- articles per source outlet (the most frequent ones);
- body lengths (characters), by site;
- syndication groups by size (``dup_count``: how many copies an article has);
- repairs fired (records each repair changed) and errors by reason.

The file is self-contained: the charts are inline SVG (text kept as text, so
Chinese names are drawn by the reader's own fonts), the style sheet is
inline, and there is no script and no link to fetch: it opens offline, can
be mailed, and shows the same in ten years.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import logging
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaning.batch.layout import ROW_GROUP_ROWS
from cleaning.batch.read import current_version, errors_table, read_manifest, records_dataset
from cleaning.record import CHINA_TZ

logger = logging.getLogger(__name__)

#: Columns the report reads (no body: the scan stays light).
COLUMNS = [
    "site",
    "published_at",
    "source",
    "char_count",
    "word_count",
    "repairs",
    "dup_group",
    "dup_count",
    "doc_id",
]

#: Outlets drawn by name; the rest are summed as "others".
TOP_SOURCES = 25

#: Label of records without a publication date, and of those without an outlet.
UNDATED = "undated"
NO_SOURCE = "(none given)"

#: Body-length bins' lower edges, in characters: notices to long reports
#: (the last bin is open).
LENGTH_BINS = (0, 200, 500, 1_000, 2_000, 3_000, 5_000, 10_000, 20_000, 50_000)

#: Fonts with Chinese glyphs, tried in order for measuring labels (the SVG
#: keeps text as text: the reader's browser draws it with its own fonts).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)

#: The font stack of the page and its charts' text.
FONT_STACK = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
    "'WenQuanYi Zen Hei', 'DejaVu Sans', sans-serif"
)

#: Colours of the sites (matplotlib's tab10, cycled).
PALETTE = "tab10"

STYLE = """
body { font-family: %(fonts)s; margin: 2em auto; max-width: 1100px; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 2em 0; }
figcaption { font-weight: bold; margin-bottom: 0.5em; }
figure svg { max-width: 100%%; height: auto; }
svg text { font-family: %(fonts)s !important; }
"""


@dataclass(slots=True)
class Tally:
    """What the report shows, counted over the whole dataset."""

    records: int = 0
    months: Counter[tuple[str, str]] = field(default_factory=Counter)  # (site, month)
    sites: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    lengths: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    words: int = 0
    chars: int = 0
    repairs: Counter[str] = field(default_factory=Counter)
    group_sizes: Counter[int] = field(default_factory=Counter)  # size -> groups
    errors: Counter[str] = field(default_factory=Counter)
    first: dt.datetime | None = None
    last: dt.datetime | None = None


def tally(root: Path) -> Tally:
    """Count what the charts show, streaming the records a batch at a time."""
    counts = Tally()
    scanner = records_dataset(root).scanner(columns=COLUMNS, batch_size=ROW_GROUP_ROWS)
    for batch in scanner.to_batches():
        for row in batch.to_pylist():
            counts.records += 1
            site = row["site"]
            counts.sites[site] += 1
            published = row["published_at"]
            if published is None:
                month = UNDATED
            else:
                month = published.astimezone(CHINA_TZ).strftime("%Y-%m")
                counts.first = published if counts.first is None else min(counts.first, published)
                counts.last = published if counts.last is None else max(counts.last, published)
            counts.months[(site, month)] += 1
            counts.sources[row["source"] or NO_SOURCE] += 1
            counts.lengths[site][_length_bin(row["char_count"])] += 1
            counts.chars += row["char_count"]
            counts.words += row["word_count"] or 0
            counts.repairs.update(row["repairs"] or ())
            # A record not yet grouped (written before grouping existed) is
            # its own group.
            if row["dup_group"] in (None, row["doc_id"]):
                counts.group_sizes[row["dup_count"] or 1] += 1
    counts.errors.update(errors_table(root).column("reason").to_pylist())
    return counts


# --- charts -----------------------------------------------------------------


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    installed = {font.name for font in font_manager.fontManager.ttflist}
    plt.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text
            "svg.hashsalt": "sxcorpus-report",  # stable ids: the same data, the same file
            "font.family": "sans-serif",
            "font.sans-serif": [f for f in CJK_FONTS if f in installed] + ["DejaVu Sans"],
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _integers() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Without a Chinese font installed, matplotlib measures Chinese labels
        # with a fallback's widths and says so per glyph; the browser draws them.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _months_axis(months: Sequence[str]) -> list[str]:
    """Every month between the first and the last (gaps drawn as gaps)."""
    dated = sorted(m for m in months if m != UNDATED)
    if not dated:
        return []
    year, month = map(int, dated[0].split("-"))
    end = dated[-1]
    out = []
    while True:
        label = f"{year:04d}-{month:02d}"
        out.append(label)
        if label >= end:
            return out
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def chart_months(counts: Tally, plt: Any) -> str:
    months = _months_axis([m for _, m in counts.months])
    sites = sorted(counts.sites)
    figure, ax = plt.subplots(figsize=(10, 4))
    colours = plt.get_cmap(PALETTE)
    bottom = [0] * len(months)
    for n, site in enumerate(sites):
        heights = [counts.months[(site, m)] for m in months]
        ax.bar(range(len(months)), heights, bottom=bottom, label=site, color=colours(n % 10))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    step = max(1, len(months) // 24)
    ax.set_xticks(range(0, len(months), step), months[::step], rotation=60, ha="right")
    ax.set_ylabel("articles")
    ax.yaxis.set_major_locator(_integers())
    undated = sum(n for (_, m), n in counts.months.items() if m == UNDATED)
    ax.set_title(f"by month of publication (China time); {undated:,} undated not drawn")
    if sites:
        ax.legend(title="site", fontsize=8, ncols=min(4, len(sites)))
    return _svg(figure)


def chart_sources(counts: Tally, plt: Any) -> str:
    top = counts.sources.most_common(TOP_SOURCES)
    others = counts.records - sum(n for _, n in top)
    labels = [name for name, _ in top] + (["(others)"] if others else [])
    values = [n for _, n in top] + ([others] if others else [])
    figure, ax = plt.subplots(figsize=(10, 0.3 * len(labels) + 1))
    ax.barh(range(len(labels)), values, color="#4c72b0")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("articles")
    ax.xaxis.set_major_locator(_integers())
    ax.set_title(f"source outlet credited by the page ({len(counts.sources):,} outlets)")
    return _svg(figure)


def _length_bin(chars: int) -> int:
    """Index of the ``LENGTH_BINS`` interval holding ``chars`` (the last is open)."""
    for n, upper in enumerate(LENGTH_BINS[1:]):
        if chars < upper:
            return n
    return len(LENGTH_BINS) - 1


def _length_labels() -> list[str]:
    edges = LENGTH_BINS
    labels = [f"{a:,}–{b - 1:,}" for a, b in itertools.pairwise(edges)]
    return [*labels, f"{edges[-1]:,}+"]


def chart_lengths(counts: Tally, plt: Any) -> str:
    figure, ax = plt.subplots(figsize=(10, 4))
    colours = plt.get_cmap(PALETTE)
    labels = _length_labels()
    bottom = [0] * len(labels)
    for n, site in enumerate(sorted(counts.lengths)):
        heights = [counts.lengths[site][b] for b in range(len(labels))]
        ax.bar(labels, heights, bottom=bottom, label=site, color=colours(n % 10))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_xlabel("characters in the body")
    ax.set_ylabel("articles")
    ax.yaxis.set_major_locator(_integers())
    mean = counts.chars / counts.records if counts.records else 0
    ax.set_title(f"body length; mean {mean:,.0f} characters")
    if counts.lengths:
        ax.legend(title="site", fontsize=8)
    return _svg(figure)


def chart_groups(counts: Tally, plt: Any) -> str:
    sizes = sorted(counts.group_sizes)
    figure, ax = plt.subplots(figsize=(10, 3.5))
    ax.bar([str(s) for s in sizes], [counts.group_sizes[s] for s in sizes], color="#55a868")
    ax.set_xlabel("copies of the article in the dataset (dup_count)")
    ax.set_ylabel("articles (groups)")
    ax.yaxis.set_major_locator(_integers())
    groups = sum(counts.group_sizes.values())
    copies = counts.records - groups
    ax.set_title(f"syndication: {groups:,} distinct articles, {copies:,} further copies")
    return _svg(figure)


def chart_counter(counter: Counter[str], title: str, xlabel: str, colour: str, plt: Any) -> str:
    items = counter.most_common()
    figure, ax = plt.subplots(figsize=(10, 0.3 * max(1, len(items)) + 1))
    if items:
        ax.barh(range(len(items)), [n for _, n in items], color=colour)
        ax.set_yticks(range(len(items)), [name for name, _ in items])
        ax.invert_yaxis()
    else:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(_integers())
    ax.set_title(title)
    return _svg(figure)


# --- the page -----------------------------------------------------------------


def render(counts: Tally, version: str, manifest: dict[str, Any]) -> str:
    """The report's HTML for ``counts`` of the published version ``version``."""
    plt = _pyplot()
    charts: list[tuple[str, str, Callable[[], str]]] = [
        ("months", "Articles per month, by site", lambda: chart_months(counts, plt)),
        ("sources", "Articles per source outlet", lambda: chart_sources(counts, plt)),
        ("lengths", "Body lengths", lambda: chart_lengths(counts, plt)),
        ("groups", "Syndication groups by size", lambda: chart_groups(counts, plt)),
        (
            "repairs",
            "Repairs fired",
            lambda: chart_counter(
                counts.repairs, "records each repair changed", "records", "#8172b2", plt
            ),
        ),
        (
            "errors",
            "Errors by reason",
            lambda: chart_counter(
                counts.errors, "documents that did not become a record", "documents", "#c44e52", plt
            ),
        ),
    ]
    figures = []
    for name, caption, draw in charts:
        svg = draw()
        plt.close("all")
        figures.append(
            f'<figure class="chart" id="chart-{name}"><figcaption>{html.escape(caption)}'
            f"</figcaption>\n{svg}</figure>"
        )
    return _page(counts, version, manifest, figures)


def _page(counts: Tally, version: str, manifest: dict[str, Any], figures: list[str]) -> str:
    def day(moment: dt.datetime | None) -> str:
        return moment.astimezone(CHINA_TZ).date().isoformat() if moment else "-"

    groups = sum(counts.group_sizes.values())
    rows = "".join(
        f"<tr><td>{html.escape(site)}</td><td>{n:,}</td></tr>"
        for site, n in sorted(counts.sites.items())
    )
    summary = [
        ("records (articles as fetched)", f"{counts.records:,}"),
        ("distinct articles (syndication groups)", f"{groups:,}"),
        ("errors", f"{sum(counts.errors.values()):,}"),
        ("publication dates", f"{day(counts.first)} to {day(counts.last)} (China time)"),
        ("characters / words (jieba)", f"{counts.chars:,} / {counts.words:,}"),
        ("cleaner versions", ", ".join(manifest.get("cleaner_versions", [])) or "-"),
    ]
    facts = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in summary
    )
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>sxcorpus report: version {html.escape(version)}</title>"
        f"<style>{STYLE % {'fonts': FONT_STACK}}</style></head><body>\n"
        "<h1>sxcorpus: the dataset at a glance</h1>\n"
        f'<p class="meta">version {html.escape(version)}, report written {created}</p>\n'
        f"<table>{facts}</table>\n"
        f"<table><tr><th>site</th><th>articles</th></tr>{rows}</table>\n"
        + "\n".join(figures)
        + "\n</body></html>\n"
    )


def write_report(root: Path, target: Path) -> Path:
    """Write the report of the dataset at ``root`` (``data/clean``) to ``target``."""
    version = current_version(root)
    if version is None:
        raise FileNotFoundError(f"no dataset at {root}: run `python -m cleaning process` first")
    counts = tally(root)
    page = render(counts, version.name, read_manifest(version))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    logger.info("report of %d records written to %s", counts.records, target)
    return target


#: What a self-contained page must not hold: references to fetch.
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["'](?!#|data:)|<script|<link|@import|url\((?!#|data:)"""
)
