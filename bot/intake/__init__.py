"""How Telegram's updates come in: long polling or a webhook, both into the durable inbox."""
