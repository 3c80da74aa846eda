"""What the bot says on LINE while someone joins: LINE has no /start link, so the person types
their invitation code into the chat."""

from __future__ import annotations

from incidents.text import roles_text
from incidents.text.rich import Text, b, code
from storage.models import Role

GREETING = (
    "ยินดีต้อนรับสู่บัญชีทางการของระบบรายงานเหตุการณ์สำคัญและเหตุด่วนของจังหวัด\n"
    "หากท่านได้รับรหัสเชิญจากสำนักงานจังหวัดแล้ว กรุณาพิมพ์รหัสเชิญส่งมาในแชตนี้ "
    "เพื่อผูกบัญชี LINE ของท่านกับทะเบียนผู้ใช้งาน"
)
STRANGER_REFUSAL = (
    "ขออภัย บัญชี LINE นี้ยังไม่อยู่ในทะเบียนผู้ใช้งานระบบรายงานเหตุการณ์ของจังหวัด\n"
    "หากท่านได้รับรหัสเชิญแล้ว กรุณาพิมพ์รหัสเชิญส่งมาในแชตนี้ "
    "หากยังไม่ได้รับ กรุณาติดต่อสำนักงานจังหวัดเพื่อขอรหัสเชิญเข้าใช้งาน"
)
JOIN_UNKNOWN = "รหัสเชิญนี้ไม่ถูกต้อง กรุณาตรวจสอบรหัสที่ได้รับแล้วพิมพ์ส่งมาอีกครั้ง หรือขอรหัสเชิญใหม่จากสำนักงานจังหวัด"
JOIN_ACCOUNT_TAKEN = (
    "บัญชี LINE นี้ผูกกับรายชื่อผู้ใช้งานอื่นในทะเบียนอยู่แล้ว จึงใช้รหัสเชิญนี้ไม่ได้ "
    "หากต้องการเปลี่ยนแปลง กรุณาติดต่อสำนักงานจังหวัด"
)


def welcome(name: str, position: str, agency: str, roles: frozenset[Role], *, again: bool) -> str:
    """Said once the LINE account is bound (or when a bound person adds the account again)."""
    opening = (
        "บัญชี LINE นี้ผูกกับทะเบียนผู้ใช้งานอยู่แล้ว ยินดีต้อนรับกลับ"
        if again
        else "ผูกบัญชี LINE กับทะเบียนผู้ใช้งานเรียบร้อยแล้ว ยินดีต้อนรับ"
    )
    return (
        f"{opening} {name}\n{position} · {agency}\n\n"
        f"บทบาทของท่าน: {roles_text(roles)}\n"
        "ท่านจะได้รับการแจ้งเตือนเหตุด่วนของจังหวัดทาง LINE นี้"
    )


def admin_stranger_notice(line_user_id: str, what: str, when: str) -> Text:
    """Told to admins (on Telegram) when a LINE account outside the roster writes to the
    Official Account."""
    return Text(
        "⚠️ ",
        b("มีบัญชี LINE ที่ไม่อยู่ในทะเบียนพยายามใช้งานบัญชีทางการของระบบ"),
        "\nLINE user ID: ",
        code(line_user_id),
        f"\nสิ่งที่ส่งมา: {what}\n",
        f"เวลา: {when}\n",
        "หากเป็นผู้ที่ควรใช้งาน ให้เพิ่มในทะเบียนแล้วออกรหัสเชิญ (incident-bot roster invite) "
        "และแจ้งให้พิมพ์รหัสเชิญในแชต LINE",
    )


MEMBER_HELP = (
    "บัญชี LINE นี้ใช้รับการแจ้งเหตุด่วนของจังหวัด\n"
    "• กด ✅ รับทราบ ใต้การแจ้งเหตุเพื่อรับทราบ\n"
    "• กด 📝 สั่งการ หรือ ❓ ขอข้อมูลเพิ่มเติม แล้วพิมพ์ข้อความ\n"
    "• หรือตอบกลับ (แตะค้างที่การแจ้งเหตุแล้วเลือก ตอบกลับ) เพื่อส่งข้อสั่งการถึงผู้รายงาน\n"
    "• พิมพ์ เหตุที่เปิดอยู่ เพื่อดูรายการเหตุการณ์ที่ยังเปิดอยู่\n"
    "• พิมพ์ เว็บ เพื่อรับลิงก์เข้าสู่เว็บบันทึกเหตุการณ์ (ใช้ได้ครั้งเดียว)\n"
    "• พิมพ์ ช่องทาง เพื่อเลือกว่าจะรับการแจ้งเตือนทาง LINE, Telegram หรือทั้งสองช่องทาง\n"
    "การรายงานเหตุใหม่ กรุณาใช้ Telegram หรือเว็บไซต์ของระบบ"
)
# The words a member types on LINE (which has no slash commands) for /open and /web.
OPEN_KEYWORDS = ("เหตุที่เปิดอยู่", "/open")
WEB_KEYWORDS = ("เว็บ", "/web")
# A button of a message LINE recipients are not sent (the reporter's side of the thread).
ACTION_ELSEWHERE = "ขออภัย คำสั่งนี้ใช้ทาง LINE ไม่ได้ กรุณาดำเนินการทาง Telegram หรือเว็บไซต์ของระบบ"


def quota_warning(used: int, limit: int, percent: int) -> Text:
    """Told to admins once a month when the LINE Official Account's monthly message quota is
    80 % used: pushes past the quota are refused by LINE until the next month."""
    return Text(
        "⚠️ ",
        b("โควตาข้อความ LINE ของเดือนนี้ใกล้หมดแล้ว"),
        f"\nใช้ไปแล้ว {used:,} จาก {limit:,} ข้อความ ({percent}%)\n\n",
        "เมื่อโควตาหมด LINE จะไม่รับการแจ้งเตือนที่ระบบส่งออกไปจนถึงต้นเดือนถัดไป "
        "การแจ้งเตือนถึงผู้ที่ใช้ Telegram ด้วยจะส่งทาง Telegram แทน "
        "ส่วนผู้ที่ใช้ LINE เพียงช่องทางเดียวจะไม่ได้รับการแจ้งเตือน "
        "(การตอบกลับข้อความที่ผู้ใช้ส่งมาไม่นับรวมในโควตา)\n",
        "หากต้องการเพิ่มโควตา กรุณาปรับแพ็กเกจหรือขีดจำกัดข้อความใน LINE Official Account Manager",
    )
