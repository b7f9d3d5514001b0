"""Verified savings: a regression worked by hand, significance, against statsmodels-free sums."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from cleanprod.core.verification import verified_saving
from cleanprod.model.assessment import Monitoring


def monitoring(baseline, reporting, unit="m3"):
    def readings(pairs):
        return [
            {"period": f"p{number}", "production": f"{x} t", "consumption": f"{y} {unit}"}
            for number, (x, y) in enumerate(pairs)
        ]

    return Monitoring.model_validate(
        {"resource": "water", "baseline": readings(baseline), "reporting": readings(reporting)}
    )


def test_verified_saving_exact_line():
    # Baseline on the line y = 100 + 5x exactly; after the option the plant uses 10 m3 less
    # each period: saving 30 m3 over three periods, no residual scatter, sd 0, significant.
    baseline = [(10, 150), (20, 200), (30, 250), (40, 300)]
    reporting = [(15, 165), (25, 215), (35, 265)]
    result = verified_saving(monitoring(baseline, reporting))
    assert (result.intercept, result.slope) == pytest.approx((100.0, 5.0))
    assert result.saving == pytest.approx(30.0)
    assert result.sd == pytest.approx(0.0, abs=1e-9)
    assert result.significant
    assert result.r_squared == pytest.approx(1.0)
    assert result.fraction == pytest.approx(30 / 675)


def test_verified_saving_uncertainty_by_hand():
    # Baseline x = 1..5, y = 2, 4, 5, 4, 5: slope 0.6, intercept 2.2, SSE 2.4, s² = 0.8,
    # x̄ = 3, Sxx = 10. Reporting x = 4, 6 with y = 3, 3: predicted 4.6 and 5.8, saving 4.4.
    # Var = 0.8 × (2 + 4/5 + (10 − 6)²/10) = 0.8 × 4.4 = 3.52.
    baseline = [(1, 2), (2, 4), (3, 5), (4, 4), (5, 5)]
    reporting = [(4, 3), (6, 3)]
    result = verified_saving(monitoring(baseline, reporting))
    assert (result.intercept, result.slope) == pytest.approx((2.2, 0.6))
    assert result.saving == pytest.approx(4.4)
    assert result.sd == pytest.approx(np.sqrt(3.52))
    half = scipy.stats.t.ppf(0.975, 3) * np.sqrt(3.52)
    assert (result.low, result.high) == pytest.approx((4.4 - half, 4.4 + half))
    assert result.significant is False  # 4.4 ± 5.97 includes zero


def test_verified_saving_units_are_converted_to_the_first_reading():
    baseline = [(10, 150), (20, 200), (30, 250)]
    readings = monitoring(baseline, [(20, 190)])
    readings.reporting[0] = readings.reporting[0].model_copy(
        update={"consumption": type(readings.reporting[0].consumption)(190_000, "l")}
    )
    assert verified_saving(readings).saving == pytest.approx(10.0)


def test_monitoring_needs_three_baseline_periods_and_one_dimension():
    with pytest.raises(ValueError, match="at least 3"):
        monitoring([(1, 2), (2, 3)], [(1, 1)])
    with pytest.raises(ValueError, match="one dimension"):
        Monitoring.model_validate(
            {
                "resource": "water",
                "baseline": [
                    {"period": str(i), "production": "1 t", "consumption": "1 m3"} for i in range(3)
                ],
                "reporting": [{"period": "4", "production": "1 t", "consumption": "1 kWh"}],
            }
        )
