"""Hooks for the schemathesis run in test_openapi_clients.py (loaded via SCHEMATHESIS_HOOKS).

Dates are generated from the year 1000 on: the connector writes an earlier year with fewer
than four digits, which the templates' date filter cannot read (a 500; see
test_bad_input.py::test_a_date_before_the_year_1000_is_not_a_server_error).
"""

import datetime as dt

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.format(
    "date", st.dates(min_value=dt.date(1000, 1, 1)).map(dt.date.isoformat))
