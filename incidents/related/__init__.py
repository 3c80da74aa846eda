"""Related incidents: two reports of one event are pointed out at filing and can be linked by
executives, never merged away (both reporters keep their threads)."""
