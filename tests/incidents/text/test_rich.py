"""Rich text: runs of styled text that no value a person typed can turn into markup."""

from __future__ import annotations

from incidents.text.fitting import Units, fit_rich, fit_text, measure
from incidents.text.rich import Span, Style, Text, b, code, link


def test_parts_join_and_plain_runs_merge():
    text = Text("เหตุ ", b("PCT-2569-0001"), " ที่ ", "ตะพานหิน")

    assert text.plain() == "เหตุ PCT-2569-0001 ที่ ตะพานหิน"
    assert [s.style for s in text] == [Style.PLAIN, Style.BOLD, Style.PLAIN]
    assert Text.join(" · ", ["ก", b("ข"), "ค"]).plain() == "ก · ข · ค"
    assert ("ก" + Text(b("ข"))).plain() == "กข"


def test_a_text_survives_its_json_form():
    text = Text("ดู ", link("เว็บ", "https://example.go.th/x?a=1&b=2"), " ", code("1234"))

    assert Text.from_json(text.to_json()) == text
    assert Text.from_json("ข้อความ") == Text("ข้อความ")


def test_fitting_cuts_the_body_and_marks_the_cut():
    head, tail = Text(b("หัวเรื่อง"), "\n"), Text("\n", b("ท้าย"))
    body = "น้ำท่วม " * 2000

    fitted = fit_text(head, body, tail, 4096, " (อ่านต่อในเว็บ)")

    assert measure(fitted.plain(), Units.UTF16) <= 4096
    assert fitted.plain().startswith("หัวเรื่อง\n") and fitted.plain().endswith("\nท้าย")
    assert "… (อ่านต่อในเว็บ)" in fitted.plain()


def test_fitting_a_whole_text_keeps_styles_up_to_the_cut():
    text = Text(b("ตัวหนา " * 10), "ธรรมดา " * 100)

    fitted = fit_rich(text, 120)

    assert measure(fitted.plain()) <= 120
    assert fitted.spans[0] == Span("ตัวหนา " * 10, Style.BOLD)
    assert fitted.plain().endswith("…")
