"""The conversation after an alert: updates, instructions, requests, closing."""
