"""Simulators of the chat platforms, for the test suite and the sandbox."""
