"""The date every test means by "today": fixed, so no test changes its verdict when the calendar moves on.

The CLI and the app read it from ``ORGGRAPH_TODAY`` (the ``today`` setting), set by the ``cli_env`` fixture.
"""

import datetime as dt

TODAY = dt.date(2026, 6, 15)
