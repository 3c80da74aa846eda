"""The baseline: a bare python-telegram-bot program that sends given texts to given chats in
answer to each button press, and nothing else (no database, no checks).

Run by bench/alert_latency.py against the same fake Bot API:
    python -m bench.bare_ptb TOKEN BASE_URL CHAT[,CHAT...] TEXT_FILE [--rate-limiter]
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
)


async def main(token: str, base_url: str, chats: list[int], text: str) -> None:
    """Answer every button press by sending the text to every chat at once."""

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send the alert to every chat, then answer the press."""
        await asyncio.gather(
            *(context.bot.send_message(c, text, parse_mode=ParseMode.HTML) for c in chats)
        )
        assert update.callback_query is not None
        await update.callback_query.answer()

    builder = ApplicationBuilder().token(token).base_url(base_url).concurrent_updates(True)
    if "--rate-limiter" in sys.argv:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    application = builder.build()
    application.add_handler(CallbackQueryHandler(on_press))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling()
        print("ready", flush=True)
        await stop.wait()
        await application.updater.stop()
        await application.stop()


if __name__ == "__main__":
    token, base_url, chats_arg, text_file = sys.argv[1:5]
    text = Path(text_file).read_text(encoding="utf-8")
    asyncio.run(main(token, base_url, [int(c) for c in chats_arg.split(",")], text))
