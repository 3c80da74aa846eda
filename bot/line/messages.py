"""A rendered delivery (incidents/outbox/render.Rendered) as LINE message objects.

Text without buttons is a text message; text with buttons (a reminder's รับทราบ) is a small
Flex bubble whose footer holds them, as LINE's text messages carry no buttons; a location is
a location message. Files (photos, documents …) need an HTTPS address LINE can fetch, which
the bot does not have yet: they give None, and the caller decides (see the report of issue
13). LINE cannot edit a sent message: an edit is sent as a new message, which is the wiring's
call to make (issue 13 point 4 sends a short notice instead).
"""

from __future__ import annotations

from typing import Any

from linebot.v3.messaging import FlexMessage, LocationMessage

from bot.line.cards import ALT_TEXT_LIMIT, button_json, text_message
from incidents.outbox.render import Method, Rendered
from incidents.text.fitting import shorten

LOCATION_TITLE = "📍"


def messages_of(rendered: Rendered) -> list[Any] | None:
    """The message objects of one rendered delivery; None for what LINE cannot show yet."""
    match rendered.method:
        case Method.TEXT | Method.EDIT_TEXT:
            buttons = [button for row in rendered.buttons for button in row]
            message = text_message(rendered.text)
            if not buttons:
                return [message]
            bubble: dict[str, Any] = {
                "type": "bubble",
                "body": {
                    "type": "box",
                    "layout": "vertical",
                    "contents": [{"type": "text", "text": message.text, "wrap": True}],
                },
                "footer": {
                    "type": "box",
                    "layout": "vertical",
                    "spacing": "sm",
                    "contents": [button_json(button) for button in buttons],
                },
            }
            alt = shorten(message.text, ALT_TEXT_LIMIT)
            return [FlexMessage.from_dict({"type": "flex", "altText": alt, "contents": bubble})]
        case Method.LOCATION:
            assert rendered.latitude is not None and rendered.longitude is not None
            location = LocationMessage(
                title=LOCATION_TITLE,
                address=f"{rendered.latitude:.5f}, {rendered.longitude:.5f}",
                latitude=rendered.latitude,
                longitude=rendered.longitude,
            )
            return [location]
    return None
