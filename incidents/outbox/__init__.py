"""The transactional outbox: what to send, claimed and sent by the delivery loop."""
