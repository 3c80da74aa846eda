"""``python -m simulator.telegram --port 8081``: serve the simulated Bot API by hand."""

from simulator.telegram.server import main

raise SystemExit(main())
