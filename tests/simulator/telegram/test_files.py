"""Files: photos and documents both ways, getFile, downloads, albums."""

from __future__ import annotations

import httpx
import pytest
from telegram import (
    Bot,
    InputMediaPhoto,
)
from telegram.error import (
    BadRequest,
)

from simulator.telegram import FakeBotAPI, make_png
from tests.simulator.telegram.conftest import OTHER_ID, USER_ID


async def test_send_photo_get_file_and_download(api: FakeBotAPI, bot: Bot) -> None:
    image = make_png(640, 480)
    sent = await bot.send_photo(USER_ID, image, caption="<i>scene</i>", parse_mode="HTML")
    assert sent.caption == "scene"
    assert [(p.width, p.height) for p in sent.photo] == [(90, 68), (320, 240), (640, 480)]
    assert len({p.file_id for p in sent.photo}) == 3
    upload = api.calls("sendPhoto")[0].files["photo"]
    assert upload.data == image

    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_size == len(image)
    assert bytes(await file.download_as_bytearray()) == image
    assert api.file_bytes(sent.photo[0].file_id) == image

    resent = await bot.send_photo(OTHER_ID, sent.photo[-1].file_id)  # by file_id
    assert resent.photo[-1].file_id == sent.photo[-1].file_id
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER_ID, b"not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(USER_ID, "no-such-file-id")
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("no-such-file-id")

    document = await bot.send_document(USER_ID, b"%PDF-1.4 report", filename="report.pdf")
    assert document.document is not None and document.document.file_name == "report.pdf"
    downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"%PDF-1.4 report"
    async with httpx.AsyncClient() as client:
        missing = await client.get(f"{api.base_file_url}{api.token}/photos/nothing.jpg")
    assert missing.status_code == 404


async def test_user_photo_is_downloadable_by_bot(api: FakeBotAPI, bot: Bot) -> None:
    image = make_png(1200, 900, (10, 120, 10))
    api.send_photo(USER_ID, image, caption="น้ำท่วม")
    api.send_voice(USER_ID, b"OggS voice", duration=4)
    updates = await bot.get_updates(timeout=0)
    photo_message, voice_message = (u.message for u in updates)
    assert photo_message is not None and photo_message.caption == "น้ำท่วม"
    assert photo_message.photo[-1].width == 1200
    data = await (await bot.get_file(photo_message.photo[-1].file_id)).download_as_bytearray()
    assert bytes(data) == image
    assert voice_message is not None and voice_message.voice is not None
    voice = await (await bot.get_file(voice_message.voice.file_id)).download_as_bytearray()
    assert bytes(voice) == b"OggS voice"


async def test_send_media_group(api: FakeBotAPI, bot: Bot) -> None:
    messages = await bot.send_media_group(
        USER_ID,
        [
            InputMediaPhoto(make_png(40, 30), caption="first"),
            InputMediaPhoto(make_png(30, 40)),
        ],
    )
    assert len(messages) == 2
    assert messages[0].media_group_id is not None
    assert messages[0].media_group_id == messages[1].media_group_id
    assert messages[0].caption == "first" and messages[1].caption is None
    assert messages[1].photo[-1].height == 40
    assert messages[1].message_id == messages[0].message_id + 1
    records = api.sent_messages(USER_ID)
    assert [r.kind for r in records] == ["media_group", "media_group"]
    assert records[0].file_id == messages[0].photo[-1].file_id

    with pytest.raises(BadRequest, match="2-10"):
        await bot.send_media_group(USER_ID, [InputMediaPhoto(make_png())])
    with pytest.raises(BadRequest, match="Too many messages to send as an album"):
        await bot.send_media_group(USER_ID, [InputMediaPhoto(make_png())] * 11)
