"""What other systems get of the record: the CAP feed, signed webhooks, and the subscribers
an admin issues them to. Drills never leave this way, nor do the fields that identify people."""
