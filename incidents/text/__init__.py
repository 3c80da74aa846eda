"""Every Thai string the bot sends, in one catalogue: plain strings, or `Text` where a part is
styled (incidents/text/rich.py); each channel renders them its own way.

Common texts live here; each feature has a module beside it (e.g. `incidents.text.report`).
"""

from __future__ import annotations

from incidents.text.commands import Command
from incidents.text.rich import Text, b, code
from storage.models import Role

ROLE_NAMES: dict[Role, str] = {
    Role.REPORTER: "ผู้รายงานเหตุ",
    Role.EXECUTIVE: "ผู้บริหาร",
    Role.ADMIN: "ผู้ดูแลระบบ",
}

ROLE_CAN: dict[Role, str] = {
    Role.REPORTER: "แจ้งเหตุสำคัญหรือเหตุด่วนถึงผู้ว่าราชการจังหวัดและรองผู้ว่าราชการจังหวัด "
    "ส่งความคืบหน้า และรับข้อสั่งการ",
    Role.EXECUTIVE: "รับการแจ้งเตือนเหตุด่วน กดรับทราบ สั่งการ (ตอบกลับข้อความแจ้งเหตุได้เลย) "
    "ขอข้อมูลเพิ่มเติม และปิดหรือเปิดเหตุการณ์อีกครั้ง",
    Role.ADMIN: "ดูแลทะเบียนรายชื่อ ออกรหัสเชิญ และรับแจ้งเมื่อมีบัญชีที่ไม่อยู่ในทะเบียนติดต่อเข้ามา",
}

STRANGER_REFUSAL = (
    "ขออภัย บัญชี Telegram นี้ยังไม่อยู่ในทะเบียนผู้ใช้งานระบบรายงานเหตุการณ์ของจังหวัด\n"
    "หากท่านเป็นหัวหน้าส่วนราชการหรือนายอำเภอ กรุณาติดต่อสำนักงานจังหวัด "
    "เพื่อขอรหัสเชิญเข้าใช้งาน"
)
STRANGER_BUTTON_REFUSAL = "ขออภัย บัญชีนี้ไม่มีสิทธิ์ใช้งานปุ่มนี้"
# What a stranger sent, as the admins' notice says it when it is not text to quote.
STRANGER_PRESSED_A_BUTTON = "กดปุ่ม"
STRANGER_SENT_NO_TEXT = "ข้อความที่ไม่ใช่ตัวอักษร"

JOIN_UNKNOWN = "รหัสเชิญนี้ไม่ถูกต้อง กรุณาตรวจสอบลิงก์ที่ได้รับ หรือขอรหัสเชิญใหม่จากสำนักงานจังหวัด"
JOIN_USED = "รหัสเชิญนี้ถูกใช้ไปแล้ว รหัสแต่ละชุดใช้ได้ครั้งเดียว กรุณาขอรหัสเชิญใหม่จากสำนักงานจังหวัด"
JOIN_EXPIRED = "รหัสเชิญนี้หมดอายุแล้ว กรุณาขอรหัสเชิญใหม่จากสำนักงานจังหวัด"
JOIN_ACCOUNT_TAKEN = (
    "บัญชี Telegram นี้ผูกกับรายชื่อผู้ใช้งานอื่นในทะเบียนอยู่แล้ว จึงใช้รหัสเชิญนี้ไม่ได้ "
    "หากต้องการเปลี่ยนแปลง กรุณาติดต่อสำนักงานจังหวัด"
)

PRIVATE_CHAT_ONLY = "คำสั่งนี้ใช้ได้เฉพาะในแชตส่วนตัวกับบอท กรุณาพิมพ์คำสั่งในแชตส่วนตัว"
STALE_BUTTON = "ปุ่มนี้ใช้ไม่ได้แล้ว กรุณาเริ่มจากคำสั่งในเมนูอีกครั้ง"
INTERNAL_ERROR = (
    "ขออภัย ระบบขัดข้องชั่วคราวและยังดำเนินการนี้ไม่สำเร็จ กรุณาลองอีกครั้ง "
    "หากเป็นเหตุด่วน กรุณาโทรแจ้งผู้บริหารโดยตรงควบคู่ไปด้วย"
)
PUBLIC_HELP = Text(
    b("ระบบรายงานเหตุการณ์สำคัญและเหตุด่วน"),
    "\nระบบนี้ใช้สำหรับหัวหน้าส่วนราชการและนายอำเภอ ในการรายงานเหตุการณ์สำคัญหรือเหตุด่วน"
    "ถึงผู้ว่าราชการจังหวัดหรือรองผู้ว่าราชการจังหวัดทันที\n\n"
    "การเข้าใช้งานต้องมีรหัสเชิญจากสำนักงานจังหวัด เมื่อได้รับลิงก์แล้ว กดลิงก์นั้นเพื่อเริ่มใช้งาน",
)


def roles_text(roles: frozenset[Role]) -> str:
    """Role names joined for display, in a fixed order."""
    return ", ".join(ROLE_NAMES[role] for role in Role if role in roles)


def _can_lines(roles: frozenset[Role]) -> str:
    return "\n".join(f"• {ROLE_CAN[role]}" for role in Role if role in roles)


def _command_lines(commands: list[Command]) -> str:
    return "\n".join(f"/{c.name} — {c.description}" for c in commands)


def welcome(
    name: str,
    position: str,
    agency: str,
    roles: frozenset[Role],
    commands: list[Command],
    *,
    again: bool = False,
) -> Text:
    """Greeting after joining (or opening the link again)."""
    opening = "ยินดีต้อนรับกลับ" if again else "ยินดีต้อนรับเข้าสู่ระบบรายงานเหตุการณ์"
    return Text(
        f"{opening} ",
        b(name),
        f"\n{position} · {agency}\n\n"
        f"บทบาทของท่าน: {roles_text(roles)}\n"
        f"ท่านสามารถ:\n{_can_lines(roles)}\n\n"
        f"คำสั่งที่ใช้ได้:\n{_command_lines(commands)}",
    )


def help_text(roles: frozenset[Role], commands: list[Command]) -> Text:
    """/help for a person on the roster."""
    return Text(
        b("วิธีใช้งานระบบรายงานเหตุการณ์"),
        f"\nบทบาทของท่าน: {roles_text(roles)}\n"
        f"{_can_lines(roles)}\n\n"
        f"คำสั่ง:\n{_command_lines(commands)}",
    )


def whoami(
    name: str,
    position: str,
    agency: str,
    district: str | None,
    phone: str,
    roles: frozenset[Role],
    joined: str | None,
) -> Text:
    """/whoami: what the roster holds about the person."""
    lines: list[str | Text] = [
        Text(b("ข้อมูลของท่านในทะเบียน")),
        f"ชื่อ: {name}",
        f"ตำแหน่ง: {position}",
        f"หน่วยงาน: {agency}",
    ]
    if district:
        lines.append(f"อำเภอ: {district}")
    lines.append(f"โทรศัพท์: {phone if phone else '-'}")
    lines.append(f"บทบาท: {roles_text(roles)}")
    if joined:
        lines.append(f"เข้าร่วมระบบเมื่อ: {joined}")
    lines.append("\nหากข้อมูลไม่ถูกต้อง กรุณาแจ้งสำนักงานจังหวัด")
    return Text.join("\n", lines)


def admin_stranger_notice(
    display_name: str, username: str | None, telegram_id: int, what: str, when: str
) -> Text:
    """Told to admins when an account outside the roster tries the bot."""
    handle = f" (@{username})" if username else ""
    return Text(
        "⚠️ ",
        b("มีบัญชีที่ไม่อยู่ในทะเบียนพยายามใช้งานบอท"),
        f"\nชื่อที่แสดง: {display_name}{handle}\n",
        "Telegram ID: ",
        code(str(telegram_id)),
        f"\nสิ่งที่ส่งมา: {what}\n",
        f"เวลา: {when}\n",
        "หากเป็นผู้ที่ควรใช้งาน ให้เพิ่มในทะเบียนแล้วออกรหัสเชิญ (incident-bot roster invite)",
    )


def admin_stranger_backlog(contacts: list[tuple[int, int, str]]) -> Text:
    """Told to an admin who joins: strangers no admin could be told about before.

    `contacts` holds (Telegram id, attempts, when last seen) for each account.
    """
    lines = Text.join(
        "\n",
        (
            Text("• Telegram ID ", code(str(telegram_id)), f" · {attempts} ครั้ง · ล่าสุด {when}")
            for telegram_id, attempts, when in contacts
        ),
    )
    return Text(
        "⚠️ ",
        b("ก่อนที่ท่านเข้าร่วม มีบัญชีที่ไม่อยู่ในทะเบียนพยายามใช้งานบอท"),
        "\n",
        lines,
        "\n",
        "หากเป็นผู้ที่ควรใช้งาน ให้เพิ่มในทะเบียนแล้วออกรหัสเชิญ (incident-bot roster invite)",
    )
