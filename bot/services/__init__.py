"""Services: what the product does, independent of Telegram and the web."""
