"""Properties of repair_text on any text: it never raises, it is idempotent,
it keeps clean records' bodies as they are, and it refuses bytes."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaning import repair_text, repair_text_explained

EXPECTED = Path(__file__).resolve().parent.parent / "data" / "samples" / "expected"

#: Characters that exercise every repair's triggers: Han (both scripts),
#: Latin-1 and cp1252 letters, pinyin vowels, the marks of lost bytes,
#: private-use characters, ASCII and full-width punctuation, space, newline.
ALPHABET = st.sampled_from(
    list("国國党黨發展屬有企業的了是人在一")
    + list("ÖÐ¹úÄêÇ°ÑÔä¸­å›½ǰ€™")
    + list("āáǎàīíìūùǚü")
    + list("?\ufffd\ue1a6\ue30f")
    + list("(),:;!.<>/ \n\u3000\xa0")
    + list("，。“”‘’《》（）")
    + list("abcgnl0125")
)
TEXTS = st.one_of(st.text(), st.text(alphabet=ALPHABET, max_size=80))

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXTS)
def test_never_raises_and_is_idempotent(text):
    once = repair_text(text)
    assert isinstance(once, str)
    assert repair_text(once) == once


@SETTINGS
@given(st.binary(max_size=50))
def test_bytes_are_refused(data):
    with pytest.raises(TypeError, match="not bytes"):
        repair_text(data)


def _clean_bodies():
    for path in sorted(EXPECTED.rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("body"):
            yield pytest.param(record["body"], id=str(path.relative_to(EXPECTED)))


@pytest.mark.parametrize("body", list(_clean_bodies()))
def test_clean_bodies_pass_unchanged(body):
    out = repair_text_explained(body)
    assert out.text == body
    assert out.repairs == ()


SEEDS = EXPECTED.parent / "seeds"


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [("001_1b6f85196a04fcb8", 9, 17), ("003_707599d25000a410", 8, 33)],
)
def test_seed_bodies_come_back_as_their_gold(name, start, end):
    """The damaged body lines of seeds 001 and 003, repaired, within the CER target."""
    from rapidfuzz.distance import Levenshtein

    lines = (SEEDS / f"{name}.txt").read_text(encoding="utf-8").split("\n")[start:end]
    gold = json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))["body"]
    got = repair_text("\n".join(lines))
    assert got.count("\n") == gold.count("\n")
    assert Levenshtein.distance(got, gold) / len(gold) <= 0.002
