"""Masking the holder's name and matching a typed name (no app needed)."""

import pytest

from talentpool.certification.names import mask_name, names_match, normalise_name


@pytest.mark.parametrize(("name", "masked"), [
    ("张", "*"),
    ("张明", "张*"),
    ("张小明", "张*明"),
    ("欧阳小明", "欧**明"),
    ("王 小明", "王*明"),  # a space typed inside a Chinese name is not a character
    ("阿依·努尔", "阿***尔"),
])
def test_chinese_names_keep_the_first_and_last_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(("name", "masked"), [
    ("John Smith", "J*** S****"),
    ("Zhao Min", "Z*** M**"),
    ("Jean-Paul O'Neil", "J***-P*** O'N***"),
    ("  ｊｏｈｎ   smith ", "j*** s****"),  # full-width letters and extra spaces
    ("Li", "L*"),
])
def test_latin_names_keep_the_initials(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("name", ["", "   ", None])
def test_an_erased_name_masks_to_none(name):
    assert mask_name(name) is None


@pytest.mark.parametrize("name", ["张小明", "欧阳小明", "John Smith", "Jean-Paul O'Neil"])
def test_the_masked_name_never_contains_the_full_name(name):
    masked = mask_name(name)
    assert name not in masked and len(masked) == len(name.replace(" ", "")) + (
        name.count(" ") if name.isascii() else 0)


def test_normalisation_is_nfkc_casefold_and_collapsed_whitespace():
    assert normalise_name("  JOHN\t\u3000Smith ") == "john smith"
    assert normalise_name("ＳＴＲＡＳＳＥ") == normalise_name("Straße")


@pytest.mark.parametrize(("typed", "holder", "match"), [
    ("张小明", "张小明", True),
    (" 张小明 ", "张小明", True),
    ("张晓明", "张小明", False),
    ("john  SMITH", "John Smith", True),
    ("ｊｏｈｎ ｓｍｉｔｈ", "John Smith", True),
    ("John Smyth", "John Smith", False),
    ("John", "John Smith", False),
    ("", "", False),  # an erased name matches nothing
    ("   ", "", False),
])
def test_names_match_after_normalisation(typed, holder, match):
    assert names_match(typed, holder) is match
