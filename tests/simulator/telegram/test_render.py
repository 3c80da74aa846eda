"""Entities to browser HTML: nesting, escaping, UTF-16 offsets, links."""

from __future__ import annotations

from simulator.telegram import entities_to_html, parse_html


def test_html_round_trips_through_entities() -> None:
    source = (
        '<b>เหตุด่วน</b> <i>น้ำท่วม <u>อ.ตะพานหิน</u></i> <a href="https://x.th/a?b=1&amp;c=2">ดู</a>'
    )
    text, entities = parse_html(source)
    assert entities_to_html(text, entities) == source


def test_text_is_escaped_and_plain_without_entities() -> None:
    assert entities_to_html("a < b & c > d", []) == "a &lt; b &amp; c &gt; d"
    assert entities_to_html("", []) == ""


def test_offsets_are_utf16_code_units() -> None:
    text, entities = parse_html("🚨 <b>ด่วน</b> 🌊 <code>x</code>")
    assert entities_to_html(text, entities) == "🚨 <b>ด่วน</b> 🌊 <code>x</code>"


def test_overlapping_entities_are_closed_and_reopened() -> None:
    entities = [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "italic", "offset": 2, "length": 4},
    ]
    assert entities_to_html("abcdef", entities) == "<b>ab<i>cd</i></b><i>ef</i>"


def test_pre_spoiler_mentions_and_unknown_types() -> None:
    entities = [
        {"type": "pre", "offset": 0, "length": 1, "language": "python"},
        {"type": "spoiler", "offset": 2, "length": 1},
        {"type": "text_mention", "offset": 4, "length": 1, "user": {"id": 7}},
        {"type": "url", "offset": 6, "length": 5},
        {"type": "hashtag", "offset": 12, "length": 2},
    ]
    html = entities_to_html("p s m x.com #h", entities)
    assert html == (
        '<pre><code class="language-python">p</code></pre> '
        '<span class="tg-spoiler">s</span> <a href="tg://user?id=7">m</a> '
        '<a href="http://x.com">x.com</a> #h'
    )
