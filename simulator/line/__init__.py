"""A fake LINE Platform on loopback: the Messaging API, its data host and signed webhooks.

Typical use::

    with FakeLinePlatform(TOKEN, SECRET, monthly_limit=200) as line:
        line.set_webhook("http://127.0.0.1:8080/line/webhook")
        officer = line.add_user("สมชาย")  # adds the account as a friend: a follow event
        config = Configuration(host=line.api_url, access_token=TOKEN)
        ...  # the bot pushes and replies through the SDK
        line.send_text(officer, "รับทราบ")
        reply = await line.wait_for_message(officer, lambda m: m.kind == "reply")
"""

from simulator.line.api import ApiRequest, Outcome
from simulator.line.events import SIGNATURE_HEADER, sign, solid_png
from simulator.line.models import (
    ApiCall,
    Endpoint,
    Injected,
    LineApiError,
    LineUser,
    SendKind,
    SentMessage,
    WebhookAttempt,
)
from simulator.line.records import Clock, SystemClock
from simulator.line.server import FakeLinePlatform

__all__ = [
    "SIGNATURE_HEADER",
    "ApiCall",
    "ApiRequest",
    "Clock",
    "Endpoint",
    "FakeLinePlatform",
    "Injected",
    "LineApiError",
    "LineUser",
    "Outcome",
    "SendKind",
    "SentMessage",
    "SystemClock",
    "WebhookAttempt",
    "sign",
    "solid_png",
]
