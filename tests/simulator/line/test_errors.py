"""The documented error answers: status codes and `message`/`details` bodies."""

from __future__ import annotations

from typing import Any

import pytest
from linebot.v3.messaging import PushMessageRequest, TextMessage  # type: ignore[import-untyped]
from linebot.v3.messaging.exceptions import ApiException  # type: ignore[import-untyped]

from tests.simulator.line.conftest import TOKEN


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


async def _push(http, to, *messages) -> tuple[int, dict[str, Any]]:
    answer = await http.post("/v2/bot/message/push", json={"to": to, "messages": list(messages)})
    return answer.status_code, answer.json()


async def test_a_request_without_a_channel_access_token_is_unauthorized(line, http):
    answer = await http.get("/v2/bot/message/quota", headers={"Authorization": ""})

    assert answer.status_code == 401
    assert answer.json()["message"].startswith("Authentication failed due to the following reason")


async def test_a_wrong_or_revoked_channel_access_token_is_unauthorized(line, http):
    line.revoke_access_token(TOKEN)

    answer = await http.get("/v2/bot/message/quota")

    assert answer.status_code == 401


async def test_the_sdk_raises_the_401_with_its_body(line, sdk):
    officer = line.add_user("สมชาย")
    line.revoke_access_token(TOKEN)

    with pytest.raises(ApiException) as raised:
        await sdk.push_message(
            PushMessageRequest(to=officer.user_id, messages=[TextMessage(text="x")])
        )

    assert raised.value.status == 401
    assert line.sent_messages() == []


async def test_text_over_5000_utf16_units_is_refused_with_details(line, http):
    officer = line.add_user("สมชาย")
    # An emoji outside the BMP is two UTF-16 code units: 2,501 of them are 5,002 units.
    status, body = await _push(http, officer.user_id, _text("😀" * 2501), _text("ก" * 5000))

    assert status == 400
    assert body == {
        "message": "The request body has 1 error(s)",
        "details": [
            {"message": "Length must be between 1 and 5000", "property": "messages[0].text"}
        ],
    }
    assert line.sent_messages() == []


async def test_more_than_five_messages_and_empty_text_are_each_reported(line, http):
    officer = line.add_user("สมชาย")

    status, body = await _push(http, officer.user_id, _text(""), *[_text("x")] * 5)

    assert status == 400
    assert body["message"] == "The request body has 2 error(s)"
    assert {(d["property"], d["message"]) for d in body["details"]} == {
        ("messages", "Size must be between 1 and 5"),
        ("messages[0].text", "May not be empty"),
    }


async def test_an_unknown_message_type_lists_the_allowed_ones(line, http):
    officer = line.add_user("สมชาย")

    status, body = await _push(http, officer.user_id, {"type": "html", "text": "x"})

    assert status == 400
    (detail,) = body["details"]
    assert detail["property"] == "messages[0].type"
    assert detail["message"].startswith("Must be one of the following values: [text,")


async def test_a_malformed_recipient_is_an_invalid_property(line, http):
    status, body = await _push(http, "Ca56f94637c0000000000000000000000", _text("x"))

    assert (status, body) == (
        400,
        {"message": "The property, to, in the request body is invalid (line: -, column: -)"},
    )


async def test_a_user_id_the_channel_does_not_know_fails_to_send(line, http):
    status, body = await _push(http, "U" + "0" * 32, _text("x"))

    assert (status, body) == (400, {"message": "Failed to send messages"})


async def test_a_body_that_is_not_json_is_refused_with_its_position(line, http):
    answer = await http.post(
        "/v2/bot/message/push", content=b'{"to": ', headers={"Content-Type": "application/json"}
    )

    assert answer.status_code == 400
    assert answer.json()["message"].startswith(
        "The request body could not be parsed as JSON (line: 1"
    )


async def test_a_form_encoded_body_is_an_unsupported_content_type(line, http):
    answer = await http.post("/v2/bot/message/push", data={"to": "x"})

    assert answer.status_code == 415
    assert "application/x-www-form-urlencoded" in answer.json()["message"]


@pytest.mark.parametrize(
    ("message", "prop", "error"),
    [
        (
            {"type": "flex", "altText": "ก" * 1501, "contents": {"type": "bubble"}},
            "messages[0].altText",
            "Length must be between 1 and 1500",
        ),
        (
            {"type": "flex", "altText": "x", "contents": {"type": "carousel", "contents": []}},
            "messages[0].contents.contents",
            "Size must be between 1 and 12",
        ),
        (
            {
                "type": "template",
                "altText": "x",
                "template": {
                    "type": "buttons",
                    "text": "เลือก",
                    "actions": [{"type": "postback", "label": "ok", "data": "d" * 301}],
                },
            },
            "messages[0].template.actions[0].data",
            "Length must be between 0 and 300",
        ),
        (
            {
                "type": "text",
                "text": "x",
                "quickReply": {
                    "items": [
                        {
                            "type": "action",
                            "action": {"type": "postback", "label": "ก" * 21, "data": "d"},
                        }
                    ]
                },
            },
            "messages[0].quickReply.items[0].action.label",
            "Length must be between 1 and 20",
        ),
        (
            {
                "type": "flex",
                "altText": "x",
                "contents": {
                    "type": "bubble",
                    "body": {
                        "type": "box",
                        "layout": "vertical",
                        "contents": [
                            {
                                "type": "button",
                                "action": {"type": "uri", "label": "go", "uri": "ftp://x"},
                            }
                        ],
                    },
                },
            },
            "messages[0].contents.body.contents[0].action.uri",
            "The scheme must be one of [http, https, line, tel]",
        ),
        (
            {
                "type": "image",
                "originalContentUrl": "http://example.org/a.jpg",
                "previewImageUrl": "https://example.org/a.jpg",
            },
            "messages[0].originalContentUrl",
            "The scheme must be one of [https]",
        ),
        (
            {"type": "location", "title": "x", "address": "y", "latitude": 16.4},
            "messages[0].longitude",
            "must be specified",
        ),
    ],
    ids=[
        "flex-alt-text",
        "empty-carousel",
        "postback-data",
        "quick-reply-label",
        "uri",
        "image",
        "location",
    ],
)
async def test_message_objects_over_their_documented_limits_are_refused(
    line, http, message, prop, error
):
    officer = line.add_user("สมชาย")

    status, body = await _push(http, officer.user_id, message)

    assert status == 400
    assert {"message": error, "property": prop} in body["details"]


async def test_a_bubble_over_30_kb_is_refused(line, http):
    officer = line.add_user("สมชาย")
    texts = [{"type": "text", "text": "ก" * 1000} for _ in range(12)]  # 3 bytes each in UTF-8
    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": texts}}

    status, body = await _push(
        http, officer.user_id, {"type": "flex", "altText": "x", "contents": bubble}
    )

    assert status == 400
    assert body["details"][0]["property"] == "messages[0].contents"


async def test_injected_errors_answer_with_the_documented_messages(line, http):
    officer = line.add_user("สมชาย")
    line.fail_next("push", 403)
    line.fail_next("push", 500)

    first = await _push(http, officer.user_id, _text("x"))
    second = await _push(http, officer.user_id, _text("x"))
    third = await _push(http, officer.user_id, _text("x"))

    assert first == (403, {"message": "Access to this API is not available for your account"})
    assert second[0] == 500
    assert third[0] == 200
    assert len(line.sent_messages(officer.user_id)) == 1  # the failed calls sent nothing


async def test_a_rate_limit_answers_429_with_the_documented_message(line, http):
    line.set_rate_limit("quota", 2, window=60)

    statuses = [(await http.get("/v2/bot/message/quota")).status_code for _ in range(3)]
    refused = await http.get("/v2/bot/message/quota")

    assert statuses == [200, 200, 429]
    assert refused.json() == {"message": "The API rate limit has been exceeded. Try again later."}


async def test_unknown_paths_and_methods_are_refused(line, http):
    assert (await http.get("/v2/bot/nothing")).status_code == 404
    assert (await http.get("/v2/bot/message/push")).status_code == 405
