"""The LINE channel: webhook events into the durable inbox, and the inbox's LINE handler."""
