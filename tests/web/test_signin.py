"""Signing in with a single-use link from the bot, sessions, logout and CSRF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import AuditAction, AuditEvent, WebLoginToken, WebSession
from tests.web.conftest import HTML, Site, csrf_of


async def test_a_link_signs_in_once_and_opens_the_list(site: Site):
    link = await site.link("GOV")
    browser = site.anonymous()

    answer = await site.sign_in(browser, link)
    again = await site.anonymous().get(link, headers=HTML)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/situation"
    listing = await browser.get("/incidents", headers=HTML)
    assert listing.status_code == 200
    assert "นายสมมติ ตัวอย่างดี" in listing.text
    assert again.status_code == 400
    assert "ถูกใช้ไปแล้ว" in again.text


async def test_opening_the_link_does_not_spend_it_until_confirmed(site: Site):
    link = await site.link("GOV")

    first = await site.anonymous().get(link, headers=HTML)  # e.g. a link previewer
    answer = await site.sign_in(site.anonymous(), link)

    assert first.status_code == 200
    assert "ยืนยันการเข้าสู่ระบบ" in first.text
    assert answer.status_code == 303


async def test_the_link_expires_after_ten_minutes(site: Site):
    link = await site.link("D6601")
    browser = site.anonymous()
    confirm = await browser.get(link, headers=HTML)
    site.clock.advance(timedelta(minutes=10, seconds=1))

    late = await browser.post(
        "/login", data={"token": link.rsplit("/", 1)[1], "csrf": csrf_of(confirm.text)}
    )
    opened_late = await site.anonymous().get(link, headers=HTML)

    assert late.status_code == 400
    assert "หมดอายุ" in late.text
    assert opened_late.status_code == 400
    assert "weblog_session" not in late.headers.get("set-cookie", "")


async def test_an_unknown_link_is_refused_and_audited(site: Site):
    browser = site.anonymous()
    confirm = await site.anonymous().get(await site.link("GOV"), headers=HTML)

    page = await browser.get("/login/not-a-real-token", headers=HTML)
    forger = site.anonymous()
    forger.cookies.set("weblog_login_csrf", "x")
    forged = await forger.post("/login", data={"token": "not-a-real-token", "csrf": "x"})

    assert page.status_code == 400
    assert "ไม่ถูกต้อง" in page.text
    assert forged.status_code == 400
    assert confirm.status_code == 200
    async with site.db.read() as session:
        refused = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.WEB_LOGIN_REFUSED)
            )
        ).all()
    assert [r.detail["reason"] for r in refused] == ["unknown"]
    assert refused[0].source == "203.0.113.7"


async def test_tokens_and_sessions_are_stored_only_as_hashes(site: Site):
    link = await site.link("GOV")
    browser = site.anonymous()
    await site.sign_in(browser, link)
    cookie = browser.cookies["weblog_session"]
    token = link.rsplit("/", 1)[1]

    async with site.db.read() as session:
        stored_token = await session.scalar(select(WebLoginToken.token_hash))
        stored_session = await session.scalar(select(WebSession.session_hash))

    assert token not in stored_token and len(stored_token) == 64
    assert cookie not in stored_session and len(stored_session) == 64


async def test_the_session_cookie_is_httponly_lax_and_expires(site: Site):
    answer = await site.sign_in(site.anonymous(), await site.link("GOV"))

    cookie = answer.headers["set-cookie"].lower()
    assert "weblog_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "max-age=43200" in cookie  # WEB_SESSION_HOURS=12
    assert "secure" not in cookie  # plain http on loopback


async def test_the_session_cookie_is_secure_when_published_over_https(site: Site):
    site.set_rules(public_base_url="https://incident.example.go.th")

    answer = await site.sign_in(site.anonymous("https"), await site.link("GOV"))

    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()


async def test_a_session_ends_when_it_expires(site: Site):
    browser = await site.client("GOV")
    site.clock.advance(timedelta(hours=12, seconds=1))

    page = await browser.get("/incidents", headers=HTML)

    assert page.status_code == 401
    assert "/web" in page.text


async def test_a_deactivated_person_loses_the_session(site: Site):
    browser = await site.client("D6601")
    async with site.db.write() as session:
        from storage.models import Person

        person = await session.scalar(select(Person).where(Person.roster_id == "D6601"))
        person.active = False

    assert (await browser.get("/incidents", headers=HTML)).status_code == 401


async def test_login_without_the_forms_csrf_token_is_refused(site: Site):
    link = await site.link("GOV")
    token = link.rsplit("/", 1)[1]
    browser = site.anonymous()
    await browser.get(link, headers=HTML)  # sets the pre-session cookie

    missing = await browser.post("/login", data={"token": token})
    wrong = await browser.post("/login", data={"token": token, "csrf": "guess"})
    # Another site's form posting the victim's browser to us, even with a stolen token.
    cross_site = await site.anonymous().post(
        "/login", data={"token": token, "csrf": "a"}, headers={"origin": "https://evil.example"}
    )

    assert missing.status_code == wrong.status_code == cross_site.status_code == 403
    assert (await site.sign_in(site.anonymous(), link)).status_code == 303  # still unspent


async def test_logout_needs_the_csrf_token_and_ends_the_session(site: Site):
    browser = await site.client("GOV")
    page = await browser.get("/incidents", headers=HTML)

    forged = await browser.post("/logout", data={"csrf": "forged"})
    still_in = await browser.get("/incidents", headers=HTML)
    cross_site = await browser.post(
        "/logout", data={"csrf": csrf_of(page.text)}, headers={"origin": "https://evil.example"}
    )
    out = await browser.post("/logout", data={"csrf": csrf_of(page.text)})

    assert forged.status_code == 403
    assert cross_site.status_code == 403
    assert still_in.status_code == 200
    assert out.status_code == 303
    assert out.headers["location"] == "/login?out=1"
    async with site.db.read() as session:
        ended = await session.scalar(select(WebSession.ended_at))
    assert ended == site.clock.now()
    assert (await browser.get("/incidents", headers=HTML)).status_code == 401


async def test_a_stolen_cookie_stops_working_after_logout(site: Site):
    browser = await site.client("GOV")
    stolen = browser.cookies["weblog_session"]
    page = await browser.get("/incidents", headers=HTML)
    await browser.post("/logout", data={"csrf": csrf_of(page.text)})

    thief = site.anonymous()
    thief.cookies.set("weblog_session", stolen)
    answer = await thief.get("/incidents", headers=HTML)

    assert answer.status_code == 401


async def test_after_signing_in_the_page_first_asked_for_is_shown(site: Site):
    reference = await site.add()
    browser = site.anonymous()

    wall = await browser.get(f"/incidents/{reference}", headers=HTML)
    answer = await site.sign_in(browser, await site.link("GOV"))

    assert wall.status_code == 401
    assert answer.headers["location"] == f"/incidents/{reference}"


async def test_only_a_local_path_is_returned_to(site: Site):
    browser = site.anonymous()
    browser.cookies.set("weblog_next", "//evil.example/x")

    answer = await site.sign_in(browser, await site.link("GOV"))

    assert answer.headers["location"] == "/situation"


async def test_signing_in_and_out_is_audited_with_the_client_address(site: Site):
    browser = await site.client("GOV")
    page = await browser.get("/incidents", headers=HTML)
    await browser.post("/logout", data={"csrf": csrf_of(page.text)})

    async with site.db.read() as session:
        events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    web = [(e.action, e.source) for e in events if e.action.value.startswith("web.")]

    assert web == [
        (AuditAction.WEB_LINK_ISSUED, "telegram"),
        (AuditAction.WEB_LOGIN, "203.0.113.7"),
        (AuditAction.WEB_LIST_VIEWED, "203.0.113.7"),
        (AuditAction.WEB_LOGOUT, "203.0.113.7"),
    ]


async def test_two_browsers_racing_with_one_link_get_one_session(site: Site):
    import asyncio

    link = await site.link("GOV")
    token = link.rsplit("/", 1)[1]
    browsers = [site.anonymous(), site.anonymous()]
    forms = [await b.get(link, headers=HTML) for b in browsers]

    answers = await asyncio.gather(
        *(
            b.post("/login", data={"token": token, "csrf": csrf_of(f.text)})
            for b, f in zip(browsers, forms, strict=True)
        )
    )

    assert sorted(a.status_code for a in answers) == [303, 400]
    async with site.db.read() as session:
        assert len((await session.scalars(select(WebSession))).all()) == 1


async def test_old_links_and_sessions_are_forgotten_after_thirty_days(site: Site):
    from incidents.records import signin

    await site.client("GOV")
    await site.link("GOV")  # never used
    site.clock.advance(timedelta(days=29))
    fresh = await site.client("DGOV1")

    site.clock.advance(timedelta(days=2))
    async with site.db.write() as session:
        await signin.prune(session, site.clock.now())
    async with site.db.read() as session:
        tokens = (await session.scalars(select(WebLoginToken))).all()
        sessions = (await session.scalars(select(WebSession))).all()

    assert len(tokens) == 1 and len(sessions) == 1
    assert fresh.cookies["weblog_session"]


async def test_a_flood_of_self_made_tokens_is_slowed_and_counted_on_one_audit_row(site: Site):
    browser = site.anonymous()
    page = await browser.get(await site.link("GOV"), headers=HTML)
    csrf = csrf_of(page.text)

    answers = [
        await browser.post("/login", data={"token": f"made-up-{n}", "csrf": csrf}, headers=HTML)
        for n in range(300)
    ]

    codes = [a.status_code for a in answers]
    assert codes[:29] == [400] * 29  # the link opened above was the address's first attempt
    assert set(codes[29:]) == {429}
    assert "บ่อยเกินไป" in answers[-1].text and int(answers[-1].headers["retry-after"]) >= 1
    async with site.db.read() as session:
        rows = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.WEB_LOGIN_REFUSED)
            )
        ).all()
    assert len(rows) == 2  # one row per reason: unknown tokens, then too many attempts
    assert sorted(r.count for r in rows) == [29, 271]


async def test_the_audit_page_shows_how_often_a_folded_refusal_happened(site: Site):
    flooder = site.anonymous()
    page = await flooder.get(await site.link("GOV"), headers=HTML)
    csrf = csrf_of(page.text)
    for n in range(3):
        await flooder.post("/login", data={"token": f"made-up-{n}", "csrf": csrf}, headers=HTML)
    admin = await site.client("ADMIN1")

    audit = await admin.get("/audit", headers=HTML)

    assert "ซ้ำ 3 ครั้ง ล่าสุด 28 พ.ย. 2569" in audit.text
