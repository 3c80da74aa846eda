"""The province's incident logic, independent of any chat app or web framework."""
