"""The cheapest set of materials whose VNM closes an RVC gap (a covering knapsack).

Given candidate materials ``i`` with a cost ``c_i`` (the value to source regionally) and a VNM
reduction ``g_i`` (what switching them to originating removes from the VNM), find

.. math:: \\min_{S} \\sum_{i \\in S} c_i \\quad \\text{s.t.} \\quad \\sum_{i \\in S} g_i \\ge need

(ties: fewest materials). This is NP-hard in general; the RVC gap of Art. 4.5
(``need = VNM - (1 - t/100) x base``) is closed

* exactly for up to :data:`EXACT_LIMIT` candidates: amounts are scaled to integers (cents, or
  the finest decimal of the inputs), ``need`` is rounded up to that unit (sums of scaled gains
  are integers, so the constraint is unchanged), and the optimum is found by meet-in-the-middle
  (all subset sums of each half, vectorised with numpy; for each left subset the cheapest right
  subset with enough gain, by binary search on a suffix minimum), which returns the same optimum
  as a dynamic programme on cents in ``O(2^{n/2} n)``;
* greedily beyond (cheapest single covering material, else materials by cost per unit of
  reduction, then redundant ones dropped), reported as such.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Sequence

import numpy as np

__all__ = ["EXACT_LIMIT", "min_cost_cover"]

#: Candidate count up to which the cover is solved exactly (not a legal figure).
EXACT_LIMIT = 25
_MAX_PLACES = 6
_LIMIT = 2 ** 62


def _places(x: Decimal) -> int:
    exp = x.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else _MAX_PLACES + 1


def _subsets(cost: np.ndarray, gain: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Costs, gains and masks of all subsets of a few items (vectorised over the 2^k masks)."""
    k = len(cost)
    masks = np.arange(2 ** k, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(k, dtype=np.int64)) & 1
    return bits @ cost, bits @ gain, masks


def _exact(costs: Sequence[Decimal], gains: Sequence[Decimal], need: Decimal) -> list[int] | None | str:
    n = len(costs)
    places = max([_places(x) for x in (*costs, *gains)] + [2])
    if places > _MAX_PLACES:
        return "greedy"
    scale = Decimal(10) ** places
    c = [int(x * scale) for x in costs]
    g = [int(x * scale) for x in gains]
    req = int((need * scale).to_integral_value(ROUND_CEILING))
    weight = n + 1                      # composite key: cost x (n + 1) + count (ties: fewest lines)
    if (sum(c) + 1) * weight >= _LIMIT or sum(g) >= _LIMIT:
        return "greedy"
    if sum(g) < req:
        return None
    h = n // 2
    ca, ga, ma = _subsets(np.array(c[:h], dtype=np.int64), np.array(g[:h], dtype=np.int64))
    cb, gb, mb = _subsets(np.array(c[h:], dtype=np.int64), np.array(g[h:], dtype=np.int64))
    count_a = np.array([bin(int(m)).count("1") for m in ma], dtype=np.int64)
    count_b = np.array([bin(int(m)).count("1") for m in mb], dtype=np.int64)
    key_b = cb * weight + count_b
    order = np.argsort(gb, kind="stable")
    gb_sorted, key_sorted = gb[order], key_b[order]
    # suffix minimum of the right keys over gains >= a level, with its position
    rev = key_sorted[::-1]
    run = np.minimum.accumulate(rev)
    best_rev = np.zeros(len(rev), dtype=np.int64)
    pos = np.flatnonzero(np.r_[True, run[1:] < run[:-1]])        # where the running minimum changes
    best_rev[pos] = pos
    best_rev = np.maximum.accumulate(best_rev)
    suffix_key = run[::-1]
    suffix_pos = (len(rev) - 1 - best_rev)[::-1]
    idx = np.searchsorted(gb_sorted, req - ga, side="left")
    ok = idx < len(gb_sorted)
    if not ok.any():
        return None
    total = np.full(len(ga), np.iinfo(np.int64).max, dtype=np.int64)
    total[ok] = ca[ok] * weight + count_a[ok] + suffix_key[idx[ok]]
    a = int(np.argmin(total))
    b = int(order[suffix_pos[idx[a]]])
    left = [i for i in range(h) if (int(ma[a]) >> i) & 1]
    right = [h + i for i in range(n - h) if (int(mb[b]) >> i) & 1]
    return left + right


def _greedy(costs: Sequence[Decimal], gains: Sequence[Decimal], need: Decimal) -> list[int] | None:
    idx = [i for i in range(len(costs)) if gains[i] > 0]
    if sum((gains[i] for i in idx), Decimal(0)) < need:
        return None
    single = [i for i in idx if gains[i] >= need]
    best_single = min(single, key=lambda i: (costs[i], i)) if single else None
    chosen: list[int] = []
    total = Decimal(0)
    for i in sorted(idx, key=lambda i: (costs[i] / gains[i], -gains[i])):
        chosen.append(i)
        total += gains[i]
        if total >= need:
            break
    for i in sorted(chosen, key=lambda i: -costs[i]):       # drop what is no longer needed, dearest first
        if total - gains[i] >= need:
            chosen.remove(i)
            total -= gains[i]
    if best_single is not None and costs[best_single] <= sum((costs[i] for i in chosen), Decimal(0)):
        return [best_single]
    return chosen


def min_cost_cover(costs: Sequence[Decimal], gains: Sequence[Decimal], need: Decimal,
                   exact_limit: int = EXACT_LIMIT) -> tuple[list[int] | None, str]:
    """Indices of the cheapest materials whose reductions sum to at least ``need``.

    Parameters
    ----------
    costs, gains
        Value to source and VNM removed, per candidate (``Decimal``, >= 0).
    need
        The VNM reduction required (``<= 0``: nothing to do).
    exact_limit
        Above this many candidates the greedy method is used.

    Returns
    -------
    (indices, solver)
        ``indices`` is ``None`` when even all candidates do not suffice; ``solver`` is ``exact``
        or ``greedy``.
    """
    if need <= 0:
        return [], "exact"
    if len(costs) <= exact_limit:
        got = _exact(costs, gains, need)
        if got != "greedy":
            return (sorted(got) if isinstance(got, list) else None), "exact"
    return _greedy(costs, gains, need), "greedy"
