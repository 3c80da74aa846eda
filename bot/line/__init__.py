"""The LINE channel adapter, the only package that imports line-bot-sdk: webhook events into
the durable inbox and their handler; the sender, the alert card as Flex, the postback codec and
the quota."""
