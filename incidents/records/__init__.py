"""The web log's domain: who may see what, searching, statistics, exports and signing in.

Nothing here knows about HTTP. The use cases a route calls, each owning its units of work and
auditing what it shows or refuses: `browsing` (the list, an incident's page, the statistics),
`downloads` (exports, CAP, files), `auditlog` (the audit log) and `sessions` (signing in).
The rest is what they are built of: `filters` and `queries` (always through the viewer's
visibility), `incident`, `stats`, `exports`, `cap`, `auditview`, `signin` and `trail`.
"""
