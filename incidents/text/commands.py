"""The commands people can give, with their Thai descriptions: one list feeds the command
menus, the greeting and /help (a channel shows them its own way)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import Role

EVERYONE = frozenset(Role)


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command, its Thai description, and who it is for."""

    name: str
    description: str
    roles: frozenset[Role] = EVERYONE


COMMANDS: tuple[Command, ...] = (
    Command("report", "แจ้งเหตุสำคัญหรือเหตุด่วน", frozenset({Role.REPORTER})),
    Command("update", "ส่งความคืบหน้าของเหตุที่รายงานไว้", frozenset({Role.REPORTER})),
    Command("open", "เหตุการณ์ที่ยังเปิดอยู่"),
    Command("cancel", "ยกเลิกสิ่งที่กำลังทำอยู่"),
    Command("web", "เปิดเว็บบันทึกเหตุการณ์ (ส่งลิงก์เข้าสู่ระบบ)"),
    Command("channels", "เลือกช่องทางรับการแจ้งเตือน (Telegram หรือ LINE)"),
    Command("help", "วิธีใช้งานและคำสั่งทั้งหมด"),
    Command("whoami", "ข้อมูลของฉันในทะเบียนรายชื่อ"),
)

# Shown to accounts that have not joined yet.
PUBLIC_COMMANDS: tuple[Command, ...] = (
    Command("start", "เริ่มต้นใช้งานด้วยรหัสเชิญ"),
    Command("help", "วิธีใช้งาน"),
)


def for_roles(roles: frozenset[Role]) -> list[Command]:
    """The commands a person with `roles` may use, in menu order."""
    return [command for command in COMMANDS if command.roles & roles]
