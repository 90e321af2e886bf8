"""The punctuation class of the segmenter (search/punctuation.py): a stored table, which must be Unicode's."""

from __future__ import annotations

import re
import unicodedata

import pytest

from site_builder.search import punctuation
from site_builder.search.segment import PUNCTUATION_CLASS, segment_text


def test_the_stored_table_is_this_pythons_unicodedata() -> None:
    # A Python with another Unicode works the class out itself (below); this test then asks for the table
    # to be written again: print(punctuation.ranges_of_unicodedata()), and UNICODE set to its version.
    assert unicodedata.unidata_version == punctuation.UNICODE
    assert punctuation.RANGES == punctuation.ranges_of_unicodedata()


def test_another_unicode_version_is_worked_out_from_unicodedata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(punctuation, "RANGES", ((0x21, 0x21),))  # a wrong table, which must not be used
    monkeypatch.setattr(punctuation, "UNICODE", "1.0.0")
    assert punctuation.punctuation_class() == PUNCTUATION_CLASS  # as the stored table gives it


@pytest.mark.parametrize(("char", "is_punctuation"), [
    ("，", True), ("。", True), ("（", True), ("）", True), ("、", True), ("“", True), ("《", True),  # Po, Ps, Pe, Pi
    ("_", True), ("—", True), ("-", True), ("!", True), ("¿", True),  # Pc, Pd, Pd, Po, Po
    ("$", False), ("+", False), ("¥", False), ("%", True), ("^", False), ("|", False),  # Sc, Sm, Sc, Po, Sk, Sm
    ("a", False), ("中", False), ("１", False), (" ", False), ("\ue000", False),
])
def test_the_class_holds_general_category_p_only(char: str, is_punctuation: bool) -> None:
    assert bool(re.fullmatch(f"[{PUNCTUATION_CLASS}]", char)) is is_punctuation


def test_punctuation_stays_attached_to_the_word_before_it() -> None:
    assert segment_text("因公出国（境）费。").split() == ["因", "公", "出", "国（", "境）", "费。"]
