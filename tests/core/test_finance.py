"""Financial feasibility: the textbook check, closed forms against cash-flow sums, risk."""

from __future__ import annotations

import numpy as np
import pytest

from cleanprod.core import finance


def test_appraise_textbook_option():
    # −100 then +30 a year for 5 years at 10 % (domain-notes §4): NPV 13.72, IRR 15.24 %,
    # simple payback 3.33 years.
    result = finance.appraise(investment=100, savings=30, extra_cost=0, years=5, rate=0.10)
    assert result.npv == pytest.approx(13.7236, abs=1e-4)
    assert result.irr == pytest.approx(0.15238, abs=1e-5)
    assert result.simple_payback_years == pytest.approx(10 / 3)
    # Discounted: 27.27 + 24.79 + 22.54 + 20.49 = 95.09 after 4 years; the fifth year's
    # 18.63 covers the remaining 4.91 in 0.2634 of it.
    assert result.discounted_payback_years == pytest.approx(4.2633, abs=1e-4)
    assert result.benefit_cost_ratio == pytest.approx(113.7236 / 100, abs=1e-6)


def test_net_present_value_closed_form_equals_the_sum_of_cash_flows():
    rate, growth, years, salvage = 0.08, 0.03, 7, 12.0
    flows = [-250.0] + [40.0 * (1 + growth) ** (t - 1) for t in range(1, years + 1)]
    flows[-1] += salvage
    by_sum = sum(flow / (1 + rate) ** t for t, flow in enumerate(flows))
    closed = finance.net_present_value(250.0, 40.0, years, rate, growth, salvage)
    assert closed == pytest.approx(by_sum, rel=1e-12)
    # Equal rate and growth: n / (1 + r).
    assert finance.annuity_factor(0.05, 4, 0.05) == pytest.approx(4 / 1.05)


def test_internal_rate_of_return_undefined_without_a_sign_change():
    assert finance.internal_rate_of_return(0.0, 30.0, 5) is None
    assert finance.internal_rate_of_return(100.0, -5.0, 5) is None
    assert finance.discounted_payback(100.0, 10.0, 5, 0.1) is None
    assert finance.appraise(100, 0, 0, 5, 0.1).simple_payback_years is None


def test_levelised_cost_of_water_saved():
    # 1000 invested over 10 years at 6 % (capital recovery factor 0.135868), 20 a year to run,
    # 500 m3 saved a year: (135.868 + 20) / 500 = 0.3117 per m3.
    assert finance.levelised_cost(1000, 20, 10, 0.06, 500) == pytest.approx(0.31174, abs=1e-5)
    assert finance.levelised_cost(1000, 20, 10, 0.06, 0) is None


def test_tornado_orders_inputs_by_their_swing():
    rows = finance.tornado(100, 30, 0, 5, 0.10)
    assert rows[0][0] == "savings"
    savings = dict((name, (low, high)) for name, low, high in rows)["savings"]
    # ±20 % of the savings: 24 and 36 a year.
    assert savings[0] == pytest.approx(float(finance.net_present_value(100, 24, 5, 0.1)))
    assert savings[1] == pytest.approx(float(finance.net_present_value(100, 36, 5, 0.1)))
    widths = [abs(high - low) for _, low, high in rows]
    assert widths == sorted(widths, reverse=True)


def test_monte_carlo_probability_matches_the_normal_distribution():
    # NPV = −100 + 3.7908 × savings, savings ~ N(30, 6): P(NPV > 0) = P(savings > 26.380)
    # = Φ((30 − 26.380)/6) = Φ(0.6034) = 0.7269.
    result = finance.monte_carlo(
        investment=np.array([100.0, 100.0]),
        investment_sd=np.array([0.0, 0.0]),
        savings=np.array([30.0, 60.0]),
        savings_sd=np.array([6.0, 0.0]),
        extra_cost=np.array([0.0, 0.0]),
        years=np.array([5.0, 5.0]),
        rate=0.10,
        draws=40_000,
    )
    assert result.p_npv_positive[0] == pytest.approx(0.7269, abs=0.01)
    assert result.p_npv_positive[1] == 1.0
    # Payback ≤ 3 years needs savings ≥ 33.33: Φ((30 − 33.33)/6) = 0.2893.
    assert result.p_payback_within[0] == pytest.approx(0.2893, abs=0.01)
    assert result.npv_p10[0] < result.npv_p50[0] < result.npv_p90[0]
