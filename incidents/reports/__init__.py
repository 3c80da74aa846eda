"""Filing an incident report: the draft, its steps, input parsing and filing."""
