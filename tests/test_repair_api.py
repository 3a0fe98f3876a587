import pytest

import cleaning


def test_bytes_are_refused_with_a_clear_message():
    with pytest.raises(TypeError, match="not bytes"):
        cleaning.repair_text("晋能控股".encode())


def test_non_text_is_refused():
    with pytest.raises(TypeError):
        cleaning.repair_text(None)  # type: ignore[arg-type]


def test_explained_names_nothing_for_clean_text():
    out = cleaning.repair_text_explained("晋能控股集团党委坚持以上率下。")
    assert out.text == "晋能控股集团党委坚持以上率下。"
    assert out.repairs == ()
