"""The web log's domain: who may see what, searching, statistics, exports and signing in.

Nothing here knows about HTTP: `web/` turns requests into calls of these functions.
"""
