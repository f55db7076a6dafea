"""Inequality measures across territorial units (regions, districts, ...).

Pure Python (stdlib only). Every measure exists unweighted (all weights 1) and
weighted (typically by population). Formulas and sources: docs/finance-inequality.md.

With weights w_i >= 0, W = sum(w), shares s_i = w_i / W, mean mu = sum(s_i * x_i):

* Gini      = sum_i sum_j s_i s_j |x_i - x_j| / (2 mu)          (O(n log n) via sorting)
* OECD Gini = Gini * n / (n - 1), n = number of units
* Theil T   = sum_i s_i (x_i / mu) ln(x_i / mu)                  (term is 0 when x_i = 0)
* Theil L   = sum_i s_i ln(mu / x_i)                             (None if some x_i = 0)
* CV        = sqrt(sum_i s_i (x_i - mu)^2) / mu
* max / min over the units, and the mean of the top 20 % of weight over the mean of the
  bottom 20 % of weight (a unit straddling the 20 % boundary counts fractionally).

Units with weight 0 are dropped before anything is computed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["TOP_BOTTOM_SHARE", "Inequality", "measure"]

#: Share of the total weight forming the "top" and "bottom" groups of ``top_bottom_20``.
TOP_BOTTOM_SHARE = 0.2


@dataclass(frozen=True)
class Inequality:
    """Result of :func:`measure`. All ratios are dimensionless; ``mean`` is in value units."""

    n: int  # number of units (with positive weight)
    mean: float  # weighted mean when weighted
    gini: float  # classic Gini, 0 .. (n-1)/n for equal weights
    gini_oecd: float  # classic * n / (n - 1), n = number of units; max 1 when unweighted
    theil_t: float  # Theil T = GE(1)
    theil_l: float | None  # Theil L = GE(0), mean log deviation; None if any value is 0
    cv: float  # population standard deviation / mean
    max_min: float | None  # max / min; None when min is 0
    top_bottom_20: float | None  # mean of top 20 % of weight / mean of bottom 20 %; None if 0


def _check(values: Sequence[float], weights: Sequence[float] | None) -> list[tuple[float, float]]:
    if weights is None:
        weights = [1.0] * len(values)
    elif len(weights) != len(values):
        raise ValueError(f"{len(values)} values but {len(weights)} weights")
    pairs: list[tuple[float, float]] = []
    for x, w in zip(values, weights, strict=True):
        x, w = float(x), float(w)
        if not (math.isfinite(x) and math.isfinite(w)):
            raise ValueError("values and weights must be finite numbers")
        if x < 0:
            raise ValueError(f"negative value {x}")
        if w < 0:
            raise ValueError(f"negative weight {w}")
        if w > 0:
            pairs.append((x, w))
    pairs.sort()
    return pairs


def _share_mean(pairs: Sequence[tuple[float, float]], target: float) -> float:
    """Weighted mean of the first ``target`` units of weight, splitting the boundary unit."""
    remaining = target
    parts: list[float] = []
    for x, w in pairs:
        if remaining <= 0:
            break
        take = min(w, remaining)
        parts.append(take * x)
        remaining -= take
    return math.fsum(parts) / target


def measure(values: Sequence[float], weights: Sequence[float] | None = None) -> Inequality | None:
    """Inequality of ``values`` across units, optionally weighted (e.g. by population).

    Returns None for fewer than 2 units (after dropping zero weights), a total weight of 0
    or a mean of 0. Raises ValueError on negative or non-finite values or weights and on
    mismatched lengths.
    """
    pairs = _check(values, weights)
    n = len(pairs)
    if n < 2:
        return None
    total = math.fsum(w for _, w in pairs)
    if total <= 0:
        return None
    shares = [w / total for _, w in pairs]
    xs = [x for x, _ in pairs]
    mu = math.fsum(s * x for s, x in zip(shares, xs, strict=True))
    if mu <= 0:
        return None

    # Gini: with x sorted ascending, sum_i sum_j s_i s_j |x_i - x_j|
    #   = 2 * sum_i s_i * (x_i * S_<i - C_<i),  S_<i = sum_{j<i} s_j,  C_<i = sum_{j<i} s_j x_j.
    cum_s = 0.0
    cum_c = 0.0
    terms: list[float] = []
    for s, x in zip(shares, xs, strict=True):
        terms.append(s * (x * cum_s - cum_c))
        cum_s += s
        cum_c += s * x
    gini = max(0.0, math.fsum(terms) / mu)

    theil_t = max(
        0.0,
        math.fsum(s * (x / mu) * math.log(x / mu) for s, x in zip(shares, xs, strict=True) if x),
    )
    theil_l: float | None = None
    if xs[0] > 0:
        theil_l = max(0.0, math.fsum(s * math.log(mu / x) for s, x in zip(shares, xs, strict=True)))

    var = math.fsum(s * (x - mu) ** 2 for s, x in zip(shares, xs, strict=True))
    cv = math.sqrt(var) / mu

    max_min = xs[-1] / xs[0] if xs[0] > 0 else None

    target = TOP_BOTTOM_SHARE * total
    bottom = _share_mean(pairs, target)
    top = _share_mean(pairs[::-1], target)
    top_bottom = top / bottom if bottom > 0 else None

    return Inequality(
        n=n,
        mean=mu,
        gini=gini,
        gini_oecd=gini * n / (n - 1),
        theil_t=theil_t,
        theil_l=theil_l,
        cv=cv,
        max_min=max_min,
        top_bottom_20=top_bottom,
    )
