"""The chaos run of issue 12: the real program, faulted sends, SIGKILLs, concurrent reporters.

`python -m bench.chaos` (or `scripts/chaos.sh`) starts the fake Bot API, the fault proxy
(simulator/faults_proxy.py) in front of it and `incident-bot run` pointed at the proxy; joins
executives and reporters; lets the reporters file reports at once while the program is
SIGKILLed and restarted; waits for quiescence and prints the figures of issue 12 (see
`figures.py` for how each is defined). The exit status is 1 when a figure breaks the issue's
"Done when" thresholds.
"""
