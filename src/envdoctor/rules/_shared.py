"""Results of pure per-distribution helpers kept across the checks of one `fleet` run.

`fleet` diagnoses many snapshots whose `Distribution` objects are shared between nodes (see
fleet/parse.py: one object per distinct record, read-only); a helper whose result depends only
on one distribution and a small key (the target's Python, its marker environment) then computes
it once per object instead of once per node. Outside `sharing(...)` nothing is kept, so a plain
`check` runs exactly as before. Here, in rules/, because the helpers that use it live here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from envdoctor.model import Distribution

V = TypeVar("V")

# (helper, id of the distribution, key) -> (the distribution, held so its id stays its own; result)
Store = dict[tuple[str, int, Hashable], tuple[Distribution, object]]

_active: list[Store] = []
LIMIT = 200_000  # entries; the store is emptied when full


@contextmanager
def sharing(store: Store) -> Iterator[None]:
    """Keep per-distribution results in `store` while the block runs (the caller promises that
    the distributions are not changed while it holds the store)."""
    _active.append(store)
    try:
        yield
    finally:
        _active.pop()


def per_distribution(helper: str, dist: Distribution, key: Hashable, compute: Callable[[], V]) -> V:
    """`compute()`, a pure function of `dist` and `key`, remembered while sharing is on."""
    if not _active:
        return compute()
    store = _active[-1]
    slot = (helper, id(dist), key)
    hit = store.get(slot)
    if hit is not None and hit[0] is dist:
        return hit[1]  # type: ignore[return-value]
    value = compute()
    if len(store) >= LIMIT:
        store.clear()
    store[slot] = (dist, value)
    return value
