"""Profiles of users, and the content of their photos on the separate data host."""

from __future__ import annotations

import httpx
import pytest
from linebot.v3.messaging.exceptions import ApiException  # type: ignore[import-untyped]

from simulator.line import solid_png
from tests.simulator.line.conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def test_a_friend_s_profile_has_the_documented_fields(line, sdk):
    officer = line.add_user("สมชาย ใจดี", status_message="พร้อมปฏิบัติงาน")

    profile = await sdk.get_profile(officer.user_id)

    assert profile.display_name == "สมชาย ใจดี" and profile.user_id == officer.user_id
    assert profile.language == "th" and profile.status_message == "พร้อมปฏิบัติงาน"
    assert profile.picture_url is None


async def test_absent_profile_fields_are_left_out_of_the_body(line, http):
    officer = line.add_user("สมชาย", language=None)

    answer = await http.get(f"/v2/bot/profile/{officer.user_id}")

    assert answer.json() == {"displayName": "สมชาย", "userId": officer.user_id}


@pytest.mark.parametrize("how", ["blocked", "never added", "unknown"])
async def test_no_profile_of_users_who_blocked_never_added_or_do_not_exist(line, sdk, how):
    user_id = "U" + "2" * 32
    if how == "blocked":
        user_id = line.add_user("สมชาย").user_id
        line.unfollow(user_id)
    elif how == "never added":
        user_id = line.add_user("สมชาย", follow=False).user_id

    with pytest.raises(ApiException) as raised:
        await sdk.get_profile(user_id)

    assert raised.value.status == 404
    assert raised.value.body == '{"message":"Not found"}'


async def test_the_profile_of_a_user_who_wrote_without_adding_the_account(line, sdk):
    stranger = line.add_user("ผู้แจ้ง", follow=False)
    line.send_text(stranger, "มีเหตุไฟไหม้")

    assert (await sdk.get_profile(stranger.user_id)).display_name == "ผู้แจ้ง"


async def test_a_malformed_user_id_is_a_bad_request(line, http):
    assert (await http.get("/v2/bot/profile/not-a-user")).status_code == 400


async def test_a_photo_a_user_sent_is_downloaded_from_the_data_host(line, blob):
    officer = line.add_user("สมชาย")
    photo = line.send_image(officer, b"\xff\xd8\xff fake jpeg", content_type="image/jpeg")

    data = await blob.get_message_content(photo.message_id)

    assert data == b"\xff\xd8\xff fake jpeg"


async def test_the_default_photo_is_a_real_png(line):
    officer = line.add_user("สมชาย")
    photo = line.send_image(officer)

    async with httpx.AsyncClient(base_url=line.data_url, headers=AUTH) as data_host:
        answer = await data_host.get(f"/v2/bot/message/{photo.message_id}/content")

    assert answer.headers["content-type"] == "image/png"
    assert answer.content == solid_png()


async def test_content_is_served_only_by_the_data_host(line, http):
    officer = line.add_user("สมชาย")
    photo = line.send_image(officer)

    answer = await http.get(f"/v2/bot/message/{photo.message_id}/content")

    assert answer.status_code == 404


async def test_unknown_and_removed_content_get_the_documented_answers(line):
    officer = line.add_user("สมชาย")
    photo = line.send_image(officer)
    text = line.send_text(officer, "ข้อความไม่มีเนื้อหาไฟล์")
    line.remove_content(photo.message_id)

    async with httpx.AsyncClient(base_url=line.data_url, headers=AUTH) as data_host:
        gone = await data_host.get(f"/v2/bot/message/{photo.message_id}/content")
        missing = await data_host.get(f"/v2/bot/message/{text.message_id}/content")

    assert (gone.status_code, gone.json()) == (410, {"message": "The content is gone"})
    assert (missing.status_code, missing.json()) == (404, {"message": "not found"})


async def test_the_data_host_checks_the_channel_access_token_too(line):
    async with httpx.AsyncClient(base_url=line.data_url) as data_host:
        answer = await data_host.get("/v2/bot/message/1/content")

    assert answer.status_code == 401
