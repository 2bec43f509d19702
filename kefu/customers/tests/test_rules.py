"""Property tests for the pure date-range rule behind "one owner at a time"."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from kefu.customers.rules import ranges_overlap

dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 12, 31))
ranges = st.tuples(dates, st.one_of(st.none(), dates)).filter(
    lambda r: r[1] is None or r[1] >= r[0]
)


@given(ranges, ranges)
def test_overlap_is_symmetric(a, b):
    assert ranges_overlap(*a, *b) == ranges_overlap(*b, *a)


@given(ranges, ranges)
def test_overlap_matches_day_by_day_definition(a, b):
    a_end = a[1] or datetime.date(2041, 1, 1)
    b_end = b[1] or datetime.date(2041, 1, 1)
    shared = max(a[0], b[0]) <= min(a_end, b_end)
    assert ranges_overlap(*a, *b) == shared


def test_touching_ranges_overlap_on_the_shared_day():
    d = datetime.date
    assert ranges_overlap(d(2024, 1, 1), d(2024, 6, 30), d(2024, 6, 30), None)
    assert not ranges_overlap(d(2024, 1, 1), d(2024, 6, 29), d(2024, 6, 30), None)
