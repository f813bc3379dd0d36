"""What a run hands to the worker that stores its results: `Fresh` arrives as it was sent, and
the mentions rows go in sorted, as the index keeps them."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from cilint.cache.store import _in_index_order
from cilint.pipeline.workers import _NAMES, Fresh

_entries = st.dictionaries(
    st.text(min_size=1, max_size=8),  # keys
    st.tuples(st.binary(max_size=40), st.frozensets(st.text(max_size=6), max_size=5)),
    max_size=30,
)


@given(_entries)
def test_fresh_arrives_as_it_was_sent(entries: dict[str, tuple[bytes, frozenset[str]]]) -> None:
    fresh = Fresh()
    for key, (blob, names) in entries.items():
        fresh.add(key, blob, _NAMES.encode(sorted(names)))
    arrived = pickle.loads(pickle.dumps(fresh, pickle.HIGHEST_PROTOCOL))
    assert len(arrived) == len(entries)
    assert arrived.by_key() == {k: (b, sorted(n)) for k, (b, n) in entries.items()}


@given(_entries)
def test_mentions_rows_are_every_pair_in_order(
    entries: dict[str, tuple[bytes, frozenset[str]]],
) -> None:
    expected = sorted((name, key) for key, (_, names) in entries.items() for name in names)
    assert _in_index_order(entries) == expected
