"""The web log's texts carry no markup: the /web reply is a `Text`, rendered by each channel."""

from __future__ import annotations

from handlers.markup import html
from incidents.text import web as t
from incidents.text.rich import Style

URL = "https://incident.example.go.th/login/a_b-c?x=1&y=2"


def test_the_sign_in_reply_is_plain_text_with_one_link_and_a_bold_heading():
    reply = t.login_link(URL, "14.10 น.")

    assert [span.style for span in reply if span.style is not Style.PLAIN] == [
        Style.BOLD,
        Style.LINK,
    ]
    assert [span.url for span in reply if span.style is Style.LINK] == [URL]
    assert "<" not in reply.plain()
    assert reply.plain().startswith("🔐 ลิงก์เข้าสู่เว็บบันทึกเหตุการณ์\n" + URL + "\n\n")
    assert "(ถึง 14.10 น.)" in reply.plain()


def test_telegram_shows_the_link_with_its_address_escaped():
    shown = html(t.login_link(URL, "14.10 น."))

    escaped = URL.replace("&", "&amp;")
    assert f'<a href="{escaped}">{escaped}</a>' in shown
    assert shown.startswith("🔐 <b>ลิงก์เข้าสู่เว็บบันทึกเหตุการณ์</b>\n")


def test_no_label_of_the_web_log_holds_markup():
    labels = [
        *t.EVENT_LABELS.values(),
        *t.AUDIT_LABELS.values(),
        *t.FIELD_LABELS.values(),
        *t.DETAIL_LABELS.values(),
        *t.SOURCE_LABELS.values(),
        t.WEB_OFF,
        t.WEB_PRIVATE_ONLY,
        t.day_unreadable("ตั้งแต่วันที่", "1/13/2569"),
    ]
    assert all(isinstance(label, str) and "<" not in label for label in labels)
