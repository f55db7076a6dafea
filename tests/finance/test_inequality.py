from __future__ import annotations

import math
import random

import pytest

from esep.finance.inequality import Inequality, measure

ABS = 5e-7


def _measure(values, weights=None) -> Inequality:
    result = measure(values, weights)
    assert result is not None
    return result


def test_reference_vector_matches_published_values():
    r = _measure([10, 10, 10, 20, 50])
    assert r.n == 5
    assert r.mean == pytest.approx(20.0)
    assert r.theil_l == pytest.approx(0.232630, abs=ABS)
    assert r.theil_t == pytest.approx(0.250201, abs=ABS)
    assert r.gini_oecd == pytest.approx(0.45, abs=ABS)
    assert r.gini == pytest.approx(0.36, abs=ABS)
    assert r.cv == pytest.approx(0.774597, abs=ABS)
    assert r.max_min == pytest.approx(5.0, abs=ABS)
    assert r.top_bottom_20 == pytest.approx(5.0, abs=ABS)


def test_reference_vector_order_does_not_matter():
    a = _measure([10, 10, 10, 20, 50])
    b = _measure([50, 10, 20, 10, 10])
    assert a == b


@pytest.mark.parametrize("weights", [None, [1, 5, 2, 7]])
def test_equal_values_give_zero_inequality_and_unit_ratios(weights):
    r = _measure([42.5, 42.5, 42.5, 42.5], weights)
    assert r.mean == pytest.approx(42.5)
    for value in (r.gini, r.gini_oecd, r.theil_t, r.theil_l, r.cv):
        assert value == pytest.approx(0.0, abs=1e-12)
    assert r.max_min == pytest.approx(1.0)
    assert r.top_bottom_20 == pytest.approx(1.0)


def test_integer_weights_equal_repeated_values():
    weighted = _measure([10, 30], [2, 1])
    repeated = _measure([10, 10, 30])
    for field in ("mean", "gini", "theil_t", "theil_l", "cv", "max_min", "top_bottom_20"):
        assert getattr(weighted, field) == pytest.approx(getattr(repeated, field), abs=1e-12)
    # gini_oecd counts units, so it differs: n = 2 vs n = 3.
    assert weighted.n == 2
    assert repeated.n == 3
    assert weighted.gini_oecd == pytest.approx(weighted.gini * 2)
    assert repeated.gini_oecd == pytest.approx(repeated.gini * 1.5)


def test_integer_weights_equal_repeated_values_random():
    rng = random.Random(7)
    values = [rng.uniform(1, 100) for _ in range(30)]
    weights = [rng.randint(1, 5) for _ in range(30)]
    repeated = [x for x, w in zip(values, weights, strict=True) for _ in range(w)]
    a = _measure(values, weights)
    b = _measure(repeated)
    for field in ("mean", "gini", "theil_t", "theil_l", "cv", "max_min", "top_bottom_20"):
        assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-9)


def test_top_bottom_splits_boundary_unit_fractionally_unweighted():
    # 7 units, 20 % of weight = 1.4 units.
    # bottom: (1*1 + 0.4*2) / 1.4 = 9/7; top: (1*7 + 0.4*6) / 1.4 = 47/7; ratio 47/9.
    r = _measure([1, 2, 3, 4, 5, 6, 7])
    assert r.top_bottom_20 == pytest.approx(47 / 9, abs=1e-12)


def test_top_bottom_splits_boundary_unit_fractionally_weighted():
    # W = 10, 20 % = 2 units of weight.
    # bottom: 1 of x=10 plus 1 of x=20 -> 30 / 2 = 15; top: 2 of x=40 -> 40; ratio 8/3.
    r = _measure([10, 20, 30, 40], [1, 3, 3, 3])
    assert r.top_bottom_20 == pytest.approx(8 / 3, abs=1e-12)


def test_weighted_mean_and_gini_by_hand():
    # shares 0.25, 0.75 on 10, 30: mu = 25; Gini = 2 * 0.25 * 0.75 * 20 / (2 * 25) = 0.15.
    r = _measure([10, 30], [1, 3])
    assert r.mean == pytest.approx(25.0)
    assert r.gini == pytest.approx(0.15)
    assert r.gini_oecd == pytest.approx(0.30)
    assert r.cv == pytest.approx(math.sqrt(0.25 * 15**2 + 0.75 * 5**2) / 25)


def test_unweighted_gini_oecd_reaches_one_when_one_unit_holds_everything():
    r = _measure([0, 0, 0, 100])
    assert r.gini == pytest.approx(0.75)
    assert r.gini_oecd == pytest.approx(1.0)


def test_zero_value_gives_no_theil_l_but_finite_theil_t():
    r = _measure([0, 10, 20])
    assert r.theil_l is None
    assert math.isfinite(r.theil_t)
    # mu = 10: T = (1/3) * (0 + 0 + 2 ln 2)
    assert r.theil_t == pytest.approx(2 * math.log(2) / 3)
    assert r.max_min is None
    assert r.top_bottom_20 is None


@pytest.mark.parametrize(
    ("values", "weights"),
    [
        ([10, -1], None),
        ([10, 20], [1, -1]),
        ([10, 20], [1]),
        ([10, 20, 30], [1, 2]),
        ([10, math.nan], None),
        ([10, 20], [1, math.inf]),
    ],
)
def test_invalid_input_raises_value_error(values, weights):
    with pytest.raises(ValueError):
        measure(values, weights)


@pytest.mark.parametrize(
    ("values", "weights"),
    [
        ([], None),
        ([10], None),
        ([10], [3]),
        ([10, 20], [0, 0]),
        ([10, 20], [0, 5]),
        ([0, 0, 0], None),
    ],
)
def test_degenerate_input_returns_none(values, weights):
    assert measure(values, weights) is None


def test_zero_weight_units_are_ignored():
    assert measure([10, 20, 999], [1, 1, 0]) == measure([10, 20])


def _naive_gini(values: list[float], weights: list[float]) -> float:
    total = sum(weights)
    shares = [w / total for w in weights]
    mu = sum(s * x for s, x in zip(shares, values, strict=True))
    acc = 0.0
    for si, xi in zip(shares, values, strict=True):
        for sj, xj in zip(shares, values, strict=True):
            acc += si * sj * abs(xi - xj)
    return acc / (2 * mu)


def test_fast_gini_matches_naive_double_sum_on_large_random_case():
    rng = random.Random(20240601)
    n = 2000
    values = [rng.lognormvariate(10, 0.8) for _ in range(n)]
    weights = [rng.uniform(1_000, 2_000_000) for _ in range(n)]
    weighted = _measure(values, weights)
    assert weighted.gini == pytest.approx(_naive_gini(values, weights), rel=1e-9)
    unweighted = _measure(values)
    assert unweighted.gini == pytest.approx(_naive_gini(values, [1.0] * n), rel=1e-9)
    assert 0 < unweighted.gini < 1
