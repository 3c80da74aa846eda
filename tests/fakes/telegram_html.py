"""Old home of the Telegram HTML parser; it lives in simulator.telegram.html now."""

from simulator.telegram.html import HtmlParseError, parse_html, strip_formatted, utf16_len

__all__ = ["HtmlParseError", "parse_html", "strip_formatted", "utf16_len"]
