"""The one cutting rule: Thai clusters stay whole, a space near the end is preferred, "…" marks."""

from __future__ import annotations

import unicodedata

from incidents.text.fitting import ELLIPSIS, Units, fit_rich, fit_text, measure, shorten
from incidents.text.rich import Span, Style, Text, b, i

THAI_MARKS = {"Mn", "Mc", "Me"}


def ends_cleanly(cut: str) -> bool:
    """No combining mark left behind and no leading vowel at the end of the kept text."""
    kept = cut.removesuffix(ELLIPSIS)
    return kept[-1] not in "เแโใไ" and not kept.endswith(" ")


def test_text_that_fits_is_left_alone():
    assert shorten("ริมแม่น้ำน่าน", 13) == "ริมแม่น้ำน่าน"
    assert shorten("", 0) == ""


def test_a_thai_consonant_keeps_its_tone_mark():
    # "ริมแม่น้ำน่าน" cut at 11 characters would leave "น" without its "่".
    cut = shorten("ริมแม่น้ำน่าน", 11)

    assert cut == "ริมแม่น้ำ" + ELLIPSIS
    assert measure(cut) <= 11


def test_sara_am_stays_with_its_syllable():
    # "น้ำ" is น + ้ + ำ: a cut after the tone mark would orphan SARA AM.
    cut = shorten("ระดับน้ำสูง", 8)

    assert cut == "ระดับ" + ELLIPSIS
    assert not unicodedata.category(cut.removesuffix(ELLIPSIS)[-1]).startswith("M")


def test_a_cut_never_ends_on_a_leading_vowel():
    # A cut after "เ" of "เมือง" would show a vowel of the next word alone.
    cut = shorten("อำเภอเมืองพิจิตร", 7)

    assert cut == "อำเภอ" + ELLIPSIS
    assert ends_cleanly(cut)


def test_a_space_near_the_end_is_preferred():
    place = "บ้านวังหลุม หมู่ 3 ต.วังหลุม ริมแม่น้ำน่าน"

    cut = shorten(place, 36)

    assert cut == "บ้านวังหลุม หมู่ 3 ต.วังหลุม" + ELLIPSIS


def test_a_space_far_from_the_end_is_not_preferred():
    text = "น้ำท่วม " + "ก" * 60

    cut = shorten(text, 50)

    assert cut.startswith("น้ำท่วม ก") and measure(cut) == 50


def test_every_cut_of_a_thai_sentence_is_clean_and_within_the_limit():
    text = "ไฟไหม้โกดังเก็บสินค้าใกล้ตลาดสดเทศบาลเมืองพิจิตร เจ้าหน้าที่กำลังควบคุมเพลิง"
    for limit in range(2, len(text)):
        cut = shorten(text, limit)
        assert measure(cut) <= limit, limit
        kept = cut.removesuffix(ELLIPSIS)
        assert text.startswith(kept), limit
        assert not kept or unicodedata.category(text[len(kept)]) not in THAI_MARKS, limit
        assert not kept or text[len(kept)] != "\u0e33", limit
        assert not kept or kept[-1] not in "เแโใไ", limit


def test_telegram_limits_count_utf16_units_and_columns_count_characters():
    text = "🚨" * 10  # each emoji is two UTF-16 units

    assert shorten(text, 10) == "🚨" * 4 + ELLIPSIS
    assert shorten(text, 10, units=Units.CHARACTERS) == text
    assert shorten(text, 5, units=Units.CHARACTERS) == "🚨" * 4 + ELLIPSIS


def test_an_emoji_keeps_its_modifiers():
    text = "👍🏽👍🏽👍🏽"

    cut = shorten(text, 6)

    assert cut == "👍🏽" + ELLIPSIS


def test_fit_text_cuts_the_body_with_a_pointer_and_keeps_head_and_tail():
    body = "น้ำท่วม <สูง> " * 400

    text = fit_text(Text(b("หัวเรื่อง"), "\n"), body, Text("\n\nท้าย"), 300, " (อ่านต่อในเว็บ)")

    assert measure(text.plain()) <= 300
    assert "<สูง>" in text.plain()  # the core keeps text as typed; the channel escapes it
    assert text.plain().startswith("หัวเรื่อง\n")
    assert text.plain().endswith("… (อ่านต่อในเว็บ)\n\nท้าย")
    assert next(iter(text)).style is Style.BOLD


def test_fit_rich_cuts_inside_a_run_and_keeps_the_styles_before_it():
    text = Text(b("ความคืบหน้า"), " จาก นาย ก\n", i("ระดับน้ำ & ฝน " * 300))

    cut = fit_rich(text, 200, " (อ่านต่อในเว็บ)")

    assert measure(cut.plain()) <= 200
    spans = list(cut)
    assert spans[0] == Span("ความคืบหน้า", Style.BOLD)
    assert spans[-2].style is Style.ITALIC and ends_cleanly(spans[-2].text)
    assert spans[-1].text == "… (อ่านต่อในเว็บ)"


def test_open_list_holds_what_fits_and_says_how_many_more():
    from incidents.text.thread import open_list

    items = [Text(b(f"PCT-2569-{n:04d}"), " " + "ก" * 200) for n in range(30)]

    text = open_list(items, 4096).plain()

    assert measure(text) <= 4096
    assert "และอีก" in text and "PCT-2569-0000" in text and "PCT-2569-0029" not in text
