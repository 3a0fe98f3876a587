"""Decoding by evidence: BOM, header, meta, the Chinese codecs, chardet, plausibility."""

from __future__ import annotations

import codecs

import pytest

from cleaning.errors import UndecodableDocument
from cleaning.page.decode import (
    MIN_PLAUSIBLE_SHARE,
    decode,
    header_charset,
    meta_charset,
    normalise_codec,
    plausibility,
)
from tests.helpers import SEEDS

TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
SIMPLIFIED = TEXTS["000_a2059d4c385e6fae"]
TRADITIONAL = TEXTS["003_707599d25000a410"]


def page(text: str, meta: str | None = None) -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    return f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("declared", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("Big5", "big5hkscs"),
        ("utf8", "utf-8"),
        ("ISO-8859-1", "cp1252"),
        ("bogus-9", None),
        ("", None),
    ],
)
def test_declared_names_map_to_superset_codecs(declared: str, codec: str | None) -> None:
    assert normalise_codec(declared) == codec


def test_header_and_meta_charsets_are_found() -> None:
    assert header_charset({"content-TYPE": "text/html; charset=GBK"}) == "GBK"
    assert header_charset({"Server": "nginx"}) is None
    assert meta_charset(
        b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    ) == ("gb2312")
    assert meta_charset(b"<meta charset='big5'>") == "big5"


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_right_decodes_are_plausible_and_wrong_ones_are_not(name: str) -> None:
    text = TEXTS[name]
    assert plausibility(text) >= MIN_PLAUSIBLE_SHARE
    wrong = [
        text.encode("utf-8").decode("gb18030", errors="replace"),
        text.encode("gb18030").decode("big5hkscs", errors="replace"),
        text.encode("big5hkscs", errors="replace").decode("gb18030", errors="replace"),
        text.encode("gb18030").decode("cp1252", errors="replace"),
    ]
    assert all(plausibility(w) < MIN_PLAUSIBLE_SHARE for w in wrong)


def test_bom_wins_over_declarations() -> None:
    body = codecs.BOM_UTF16_LE + page(SIMPLIFIED[:200]).encode("utf-16-le")
    decoded = decode(body, {"Content-Type": "text/html; charset=gbk"})
    assert (decoded.encoding, decoded.evidence) == ("utf-16-le", "bom")
    assert "晋能控股" in decoded.text


def test_header_declaring_utf8_on_gbk_bytes_is_overruled() -> None:
    body = page(SIMPLIFIED).encode("gbk")
    decoded = decode(body, {"Content-Type": "text/html; charset=utf-8"})
    assert decoded.encoding == "gb18030"
    assert "晋能控股集团党委" in decoded.text


def test_meta_declaring_gbk_on_utf8_bytes_is_overruled() -> None:
    decoded = decode(page(SIMPLIFIED, meta="gbk").encode("utf-8"))
    assert decoded.encoding == "utf-8"


def test_meta_is_used_when_the_header_names_no_charset() -> None:
    body = page(TRADITIONAL, meta="big5").encode("big5hkscs", errors="replace")
    decoded = decode(body, {"Content-Type": "text/html"})
    assert (decoded.encoding, decoded.evidence) == ("big5hkscs", "meta")


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [(SIMPLIFIED, "gbk", "gb18030"), (TRADITIONAL, "big5hkscs", "big5hkscs")],
)
def test_undeclared_pages_are_recognised(text: str, codec: str, expected: str) -> None:
    decoded = decode(page(text).encode(codec, errors="replace"))
    assert decoded.encoding == expected
    assert plausibility(decoded.text) >= MIN_PLAUSIBLE_SHARE


def test_user_defined_area_bytes_survive_as_private_use_characters() -> None:
    body = page("在井").encode("gbk") + b"\xaa\xa6" + page("下部署").encode("gbk")
    decoded = decode(body, {"Content-Type": "text/html; charset=gbk"})
    assert any(0xE000 <= ord(c) <= 0xF8FF for c in decoded.text)


def test_a_few_damaged_bytes_are_replaced_and_counted() -> None:
    body = page(SIMPLIFIED).encode("gbk")
    middle = len(body) // 2
    body = body[:middle] + b"\x87\x28" + body[middle:]
    decoded = decode(body, {"Content-Type": "text/html; charset=gbk"})
    assert decoded.encoding == "gb18030"
    assert decoded.replaced == 1


def test_ascii_only_page_needs_no_guess() -> None:
    decoded = decode(b"<html><body><p>&#20826;&#24314;</p></body></html>")
    assert decoded.encoding == "ascii"


def test_random_bytes_are_undecodable() -> None:
    with pytest.raises(UndecodableDocument):
        decode(bytes(range(128, 256)) * 50)
