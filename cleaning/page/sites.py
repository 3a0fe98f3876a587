"""Site rules: what the cleaning stage knows about a configured site's pages.

Rules are data, one TOML file per site in ``sites/`` at the repository's
root (or the directory a ``CleanerConfig`` names), shared with the
crawler: the crawler owns the ``[source]`` table (its ``name`` and ``hosts``
are read here), the cleaning stage owns ``[extract]``::

    [extract]
    body = ["div.article-content"]   # CSS selectors of the article's container, first match wins
    title = ["h1.title"]             # the title's element
    date = ["div.info"]              # text holding the publication time (date line patterns apply)
    source = ["div.info"]            # text holding the source outlet (``来源：``)
    author = []                      # text holding the author (``作者：``)
    category = ["div.crumbs"]        # the category itself, or a breadcrumb holding it
    tags = ["span.post-tags a"]      # one tag per element
    drop = ["div.share"]             # furniture inside the container, removed before extraction
    title_suffix = "_生态中国网"     # site-name suffix of ``<title>``

Every key is optional; what a rule does not give, the generic extractor and
the metadata patterns find. A page of a host with no rules is handled by the
generic extractor alone.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from cleaning.page.config import DEFAULT_SITES_DIR

logger = logging.getLogger(__name__)


#: Keys of ``[extract]`` that hold CSS selectors.
SELECTOR_KEYS = ("body", "title", "date", "source", "author", "category", "tags", "drop")

_TRANSLATOR = GenericTranslator()


@dataclass(frozen=True, slots=True)
class SiteRules:
    """One site's name, hosts and compiled ``[extract]`` selectors."""

    name: str
    hosts: tuple[str, ...]
    selectors: Mapping[str, tuple[etree.XPath, ...]]
    title_suffix: str | None = None

    def select(self, key: str, root: etree._Element) -> list[etree._Element]:
        """Elements matched by the first of ``key``'s selectors that matches any."""
        for xpath in self.selectors.get(key, ()):
            result = xpath(root)
            if not isinstance(result, list):
                continue
            found = [e for e in result if isinstance(e, etree._Element)]
            if found:
                return found
        return []


def compile_selectors(site: str, key: str, css: object) -> tuple[etree.XPath, ...]:
    """CSS selectors to XPath, once; raises ``ValueError`` naming the bad one."""
    if isinstance(css, str):
        css = [css]
    if not isinstance(css, list) or not all(isinstance(c, str) for c in css):
        raise ValueError(f"site {site}: [extract] {key} must be a list of CSS selectors")
    compiled = []
    for selector in css:
        try:
            compiled.append(etree.XPath(_TRANSLATOR.css_to_xpath(selector)))
        except (SelectorError, etree.XPathError) as error:
            raise ValueError(f"site {site}: bad selector {selector!r} in {key}: {error}") from None
    return tuple(compiled)


def parse_rules(name: str, data: Mapping[str, object]) -> SiteRules:
    """Rules from one site file's tables; raises ``ValueError`` when they are invalid."""
    source = data.get("source", {})
    extract = data.get("extract", {})
    if not isinstance(source, Mapping) or not isinstance(extract, Mapping):
        raise ValueError(f"site {name}: [source] and [extract] must be tables")
    name = str(source.get("name") or name)
    hosts = source.get("hosts") or source.get("allowed_domains") or ()
    if isinstance(hosts, str):
        hosts = [hosts]
    unknown = set(extract) - {*SELECTOR_KEYS, "title_suffix"}
    if unknown:
        raise ValueError(f"site {name}: unknown [extract] keys {sorted(unknown)}")
    selectors = {
        key: compile_selectors(name, key, extract[key]) for key in SELECTOR_KEYS if key in extract
    }
    suffix = extract.get("title_suffix")
    return SiteRules(
        name=name,
        hosts=tuple(str(h).lower() for h in hosts),
        selectors=selectors,
        title_suffix=str(suffix) if suffix else None,
    )


@lru_cache(maxsize=8)
def load_sites(directory: Path) -> tuple[SiteRules, ...]:
    """Every site's rules in ``directory``; a broken file is logged and skipped."""
    rules = []
    for path in sorted(directory.glob("*.toml")):
        try:
            with path.open("rb") as handle:
                rules.append(parse_rules(path.stem, tomllib.load(handle)))
        except (OSError, tomllib.TOMLDecodeError, ValueError) as error:
            logger.error("sites: skipping %s: %s", path, error)
    return tuple(rules)


def rules_for(url: str, directory: Path = DEFAULT_SITES_DIR) -> SiteRules | None:
    """The rules of the site serving ``url`` (by host, ``www.`` or not), if configured."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return None
    bare = host.removeprefix("www.")
    for site in load_sites(directory):
        for known in site.hosts:
            known_bare = known.removeprefix("www.")
            if bare == known_bare or bare.endswith("." + known_bare):
                return site
    return None
