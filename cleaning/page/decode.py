"""Decode a fetched document's bytes into text, with the evidence in order.

The order is the one browsers and Scrapy (w3lib) use: a byte-order mark, then
the HTTP ``Content-Type`` charset, then ``<meta charset>`` /
``http-equiv``, then the codecs Chinese pages use, then statistical
detection (chardet, on a bounded prefix, only when all of those fail). Every candidate's result
passes a plausibility check (share of common CJK characters among the
non-ASCII ones, replacement characters) so that a wrong declaration is
overruled: sites of this corpus say ``charset=utf-8`` and send GBK.

GBK and GB2312 are decoded as GB18030 and Big5 as Big5-HKSCS (their
supersets), so that user-defined-area codes survive as private-use
characters for the misaligned-GBK repair (ARTIFACTS.md §2). The chosen
codec is recorded in ``Record.encoding``; when no candidate decodes
cleanly, the best one is decoded with ``errors="replace"`` and
``Decoded.replaced`` counts the replacement characters it inserted.

>>> decode("晋能控股".encode("gbk"), {"Content-Type": "text/html; charset=utf-8"}).encoding
'gb18030'
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

import chardet

from cleaning.errors import UndecodableDocument
from cleaning.text.chardata import PINYIN_TONED_VOWELS
from cleaning.text.scripts import big5_level1, gb2312_level1

logger = logging.getLogger(__name__)

#: Codec names as declared in the wild, mapped to the codec that decodes them
#: best (a superset): the WHATWG Encoding Standard's choices, also w3lib's.
CODEC_ALIASES: Mapping[str, str] = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
}

#: The encodings Chinese pages are served in; tried when the declarations
#: are missing or give no plausible text, before chardet.
CHINESE_CODECS = ("utf-8", "gb18030", "big5hkscs")

#: Byte-order marks, longest first (a UTF-32 LE mark starts like UTF-16 LE's).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: How far into the bytes to look for ``<meta charset>``: the HTML standard
#: says 1024 bytes; real portals put 2-3 KB of comments and scripts first.
META_SCAN_BYTES = 4096

#: Bytes given to chardet: 9 ms on a 40 KB GBK page for the whole, about a
#: third for this prefix, with the same verdict on every sample page.
DETECT_PREFIX_BYTES = 16384

#: Non-ASCII characters examined by the plausibility check: enough for a
#: stable share (the shares below move by under 0.03 between 600 and all
#: characters of the seeds), few enough to cost 0.05 ms.
PLAUSIBILITY_SAMPLE_CHARS = 600

#: Where that sample is taken from: the start of the text, past the ASCII
#: markup of a page's head (12 KB on the portal sample pages).
PLAUSIBILITY_WINDOW_CHARS = 65536

#: Below this share of common characters among the non-ASCII ones, decoded
#: text is not plausible Chinese. Calibrated on the seeds and the sample pages
#: (0.93-1.0 when right) against the same texts through the wrong codec
#: (UTF-8 read as GBK 0.35-0.55, GBK read as Big5 0.45-0.6, Big5 read as GBK
#: 0.4-0.55, GBK read as cp1252 0.0).
MIN_PLAUSIBLE_SHARE = 0.8

#: A decode that needed replacement characters is kept only when they are at
#: most this share of its non-ASCII characters: a page with a few damaged
#: bytes (seeds 001 and 003 carry some) rather than the wrong codec.
MAX_REPLACED_SHARE = 0.02

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_ASCII = re.compile(r"[\x00-\x7f]+")

#: The plausibility sample is gathered this many characters at a time.
_SAMPLE_CHUNK_CHARS = 4096


def _char_class(chars: str) -> str:
    return "".join(re.escape(c) for c in sorted(set(chars)))


#: Characters that make decoded text plausible Chinese: frequent hanzi of both
#: scripts, CJK and full-width punctuation, general punctuation (quotes,
#: dashes, ellipsis) and the no-break space common in Chinese pages.
_COMMON = re.compile(
    "["
    + _char_class(gb2312_level1() + big5_level1())
    + "\u3000-\u303f\uff01-\uff5e\u2010-\u2027\u00a0\u00b7\u00d7\u2103\u25cf\u25a0\u2605"
    + PINYIN_TONED_VOWELS  # readings (ARTIFACTS.md §1) must not look implausible
    + "]"
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, the codec used, what decided it and its losses.

    ``evidence`` is one of ``bom``, ``header``, ``meta``, ``detected``,
    ``fallback`` (tried because every better clue failed) or ``ascii`` (no
    non-ASCII byte at all). ``replaced`` counts the U+FFFD characters the
    decoder had to insert (0 for a clean decode).
    """

    text: str
    encoding: str
    evidence: str
    replaced: int = 0
    #: The bytes when they are exactly ``text`` in UTF-8 (valid UTF-8 or
    #: ASCII, no mark): the HTML parser reads them without encoding again.
    utf8: bytes | None = None


def normalise_codec(name: str | None) -> str | None:
    """The codec to decode a declared charset with, or None if Python has none.

    >>> normalise_codec("GB2312"), normalise_codec("Big5"), normalise_codec("bogus")
    ('gb18030', 'big5hkscs', None)
    """
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    if key in CODEC_ALIASES:
        return CODEC_ALIASES[key]
    try:
        canonical = codecs.lookup(key).name
    except LookupError:
        return None
    return CODEC_ALIASES.get(canonical, canonical)


def content_type(headers: Mapping[str, str] | None) -> str | None:
    """The ``Content-Type`` header's value, its name looked up case-insensitively.

    >>> content_type({"content-type": "text/html; charset=gbk"})
    'text/html; charset=gbk'
    """
    for key, value in (headers or {}).items():
        if str(key).lower() == "content-type":
            return str(value)
    return None


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    """The charset named by the ``Content-Type`` header, if any."""
    found = _HEADER_CHARSET.search(content_type(headers) or "")
    return found.group(1) if found else None


def meta_charset(body: bytes) -> str | None:
    """The charset of the first ``<meta charset>`` or ``http-equiv`` tag near the top."""
    found = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return found.group(1).decode("ascii") if found else None


def plausibility(text: str) -> float:
    """Share of common Chinese characters among a sample of the non-ASCII ones.

    1.0 for text with no non-ASCII character (any ASCII-compatible codec is
    right for it).

    >>> plausibility("同煤集团：红色引擎推动绿色发展")
    1.0
    >>> plausibility("鍚岀叅闆嗗洟") < MIN_PLAUSIBLE_SHARE  # UTF-8 read as GBK
    True
    """
    # The window's non-ASCII characters, a chunk at a time with the ASCII
    # deleted in C (a page's nav holds hundreds of short runs of Chinese);
    # the rest of the window is not read once the sample is full.
    parts: list[str] = []
    taken = 0
    window = min(len(text), PLAUSIBILITY_WINDOW_CHARS)
    for start in range(0, window, _SAMPLE_CHUNK_CHARS):
        parts.append(_ASCII.sub("", text[start : min(start + _SAMPLE_CHUNK_CHARS, window)]))
        taken += len(parts[-1])
        if taken >= PLAUSIBILITY_SAMPLE_CHARS:
            break
    sample = "".join(parts)[:PLAUSIBILITY_SAMPLE_CHARS]
    if not sample:
        return 1.0
    return len(_COMMON.findall(sample)) / len(sample)


def _non_ascii_count(text: str) -> int:
    return max(1, len(text) - len(text.encode("ascii", errors="ignore")))


def _try(body: bytes, codec: str, evidence: str) -> tuple[Decoded, float] | None:
    """Decode with one codec; its result and score, or None if it cannot be used."""
    try:
        text = body.decode(codec)
        replaced = 0
    except UnicodeDecodeError:
        text = body.decode(codec, errors="replace")
        replaced = text.count("\ufffd")
    except LookupError:
        logger.debug("charset: no codec %r", codec)
        return None
    if replaced and replaced / _non_ascii_count(text) > MAX_REPLACED_SHARE:
        logger.debug("charset: %s (%s) needs %d replacements", codec, evidence, replaced)
        return None
    score = plausibility(text)
    return Decoded(text, codec, evidence, replaced), score


def _detect(body: bytes) -> str | None:
    guess = chardet.detect(body[:DETECT_PREFIX_BYTES])
    return normalise_codec(guess.get("encoding"))


def decode(body: bytes, headers: Mapping[str, str] | None = None) -> Decoded:
    """Decode a document's bytes with the evidence in order; see the module doc.

    Bytes that are valid UTF-8 (and not plain ASCII) are UTF-8 whatever the
    declarations say: GBK or Big5 text is almost never valid UTF-8 beyond a
    few characters, so this is the cheapest and surest overruling. Otherwise
    the declared codecs are tried in order, then the Chinese codecs (the
    first clean and plausible decode wins), and only then chardet's guess
    (9 ms a page) and a lossy UTF-8, the most plausible of all winning.

    Raises ``UndecodableDocument`` when no codec gives plausible text.
    """
    for bom, codec in BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(codec, errors="replace"), codec, "bom")
    if body.isascii():
        return Decoded(body.decode("ascii"), "ascii", "ascii", utf8=body)
    declared = [
        (normalise_codec(header_charset(headers)), "header"),
        (normalise_codec(meta_charset(body)), "meta"),
    ]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        evidence = next((ev for codec, ev in declared if codec == "utf-8"), "utf-8-valid")
        if evidence == "utf-8-valid" and any(codec for codec, _ in declared):
            logger.info("charset: declared %s, but the bytes are valid UTF-8", declared)
        return Decoded(text, "utf-8", evidence, utf8=body)
    tried = {"utf-8"}
    best: tuple[Decoded, float] | None = None
    for named, evidence in declared:
        if named is None or named in tried:
            continue
        tried.add(named)
        result = _try(body, named, evidence)
        if result is None:
            continue
        if result[1] >= MIN_PLAUSIBLE_SHARE:
            return result[0]
        logger.info("charset: declared %s is not plausible (%.2f)", named, result[1])
        best = max(best, result, key=_score) if best else result
    for codec in CHINESE_CODECS:
        if codec in tried:
            continue
        tried.add(codec)
        result = _try(body, codec, "fallback")
        if result and not result[0].replaced and result[1] >= MIN_PLAUSIBLE_SHARE:
            return result[0]
        if result:
            best = max(best, result, key=_score) if best else result
    tried.discard("utf-8")
    for guessed, evidence in ((_detect(body), "detected"), ("utf-8", "fallback")):
        if guessed is None or guessed in tried:
            continue
        tried.add(guessed)
        result = _try(body, guessed, evidence)
        if result:
            best = max(best, result, key=_score) if best else result
    if best is None or best[1] < MIN_PLAUSIBLE_SHARE:
        score = f"{best[1]:.2f} with {best[0].encoding}" if best else "no codec"
        raise UndecodableDocument(f"no encoding gives plausible text (best {score})")
    if any(codec for codec, _ in declared):
        logger.info("charset: declared %s, decoded as %s", declared, best[0].encoding)
    return best[0]


def _score(result: tuple[Decoded, float]) -> tuple[float, int]:
    """Rank candidate decodes: plausibility first, then fewer replacements."""
    return result[1], -result[0].replaced
