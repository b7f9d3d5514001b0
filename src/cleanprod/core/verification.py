"""Verified savings of an implemented option, from before-and-after records.

The consumption of the baseline period (before the option) is modelled as a straight line of
production, ``y = a + b x``, by ordinary least squares. For each reporting period (after the
option) the line gives what the plant *would have used* for that production; the verified
saving is the sum of the differences, predicted − metered. Its uncertainty combines the
uncertainty of the fitted line and the scatter of single periods:

.. math::

   \\operatorname{Var}(S) = s^2 \\left[m + \\frac{m^2}{n} +
       \\frac{(\\sum_j x_j - m\\,\\bar{x})^2}{S_{xx}}\\right]

with ``s²`` the residual variance of the baseline fit (``n − 2`` degrees of freedom), ``m``
reporting periods of production ``x_j``, ``x̄`` and ``Sxx`` the baseline's mean and sum of
squared deviations. The 95 % interval uses Student's t with ``n − 2`` degrees of freedom; the
saving is *significant* when that interval excludes zero. The fit's R² and CV(RMSE) are
reported: ASHRAE Guideline 14 asks CV(RMSE) ≤ 15 % (monthly data, 20 % hourly) of a baseline
model used this way.

References
----------
EVO (2022). International Performance Measurement and Verification Protocol (IPMVP) Core
Concepts, option C (whole facility). ASHRAE Guideline 14-2014, Measurement of Energy, Demand,
and Water Savings, annex B (uncertainty of regression-based savings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.stats

from cleanprod.model.assessment import Monitoring
from cleanprod.units import conversion_factor

#: CV(RMSE) above which ASHRAE Guideline 14 would not accept a monthly baseline model.
CV_RMSE_LIMIT = 0.15


@dataclass(frozen=True)
class VerifiedSaving:
    """The verified saving of one resource over the reporting periods.

    ``saving`` and its ``sd`` and 95 % interval are in ``unit`` (the consumption's unit of
    the first reading); ``fraction`` is the saving over the predicted consumption.
    """

    resource: str
    unit: str
    saving: float
    sd: float
    low: float
    high: float
    significant: bool
    fraction: float
    intercept: float
    slope: float
    r_squared: float
    cv_rmse: float
    baseline_periods: int
    reporting_periods: int
    predicted: tuple[float, ...]
    metered: tuple[float, ...]

    @property
    def model_acceptable(self) -> bool:
        """Whether the baseline fit meets ASHRAE Guideline 14's CV(RMSE) limit."""
        return self.cv_rmse <= CV_RMSE_LIMIT


def _column(readings, key: str) -> tuple[np.ndarray, str]:
    unit = getattr(readings[0], key).unit
    values = [
        getattr(reading, key).magnitude * conversion_factor(getattr(reading, key).unit, unit)
        for reading in readings
    ]
    return np.array(values, dtype=float), unit


def verified_saving(monitoring: Monitoring, confidence: float = 0.95) -> VerifiedSaving:
    """The verified saving of ``monitoring``'s resource (see the module's description)."""
    readings = [*monitoring.baseline, *monitoring.reporting]
    production, _ = _column(readings, "production")
    consumption, unit = _column(readings, "consumption")
    n = len(monitoring.baseline)
    x, y = production[:n], consumption[:n]
    x_after, y_after = production[n:], consumption[n:]
    m = len(x_after)
    mean_x = x.mean()
    sxx = float(((x - mean_x) ** 2).sum())
    # When production never changed, the baseline is its mean consumption.
    slope = float(((x - mean_x) * (y - y.mean())).sum() / sxx) if sxx > 0 else 0.0
    intercept = float(y.mean() - slope * mean_x)
    fitted = intercept + slope * x
    dof = n - 2 if sxx > 0 else n - 1
    residual = float(((y - fitted) ** 2).sum())
    variance = residual / dof if dof > 0 else math.nan
    total = float(((y - y.mean()) ** 2).sum())
    r_squared = 1.0 - residual / total if total > 0 else 1.0
    cv_rmse = math.sqrt(variance) / y.mean() if y.mean() else math.inf
    predicted = intercept + slope * x_after
    saving = float((predicted - y_after).sum())
    spread = m + m**2 / n + ((x_after.sum() - m * mean_x) ** 2 / sxx if sxx > 0 else 0.0)
    sd = math.sqrt(variance * spread) if math.isfinite(variance) else math.nan
    t = float(scipy.stats.t.ppf(0.5 + confidence / 2, dof)) if dof > 0 else math.inf
    low, high = saving - t * sd, saving + t * sd
    return VerifiedSaving(
        resource=monitoring.resource,
        unit=unit,
        saving=saving,
        sd=sd,
        low=low,
        high=high,
        significant=bool(low > 0 or high < 0),
        fraction=saving / float(predicted.sum()) if predicted.sum() else math.nan,
        intercept=intercept,
        slope=slope,
        r_squared=r_squared,
        cv_rmse=cv_rmse,
        baseline_periods=n,
        reporting_periods=m,
        predicted=tuple(float(value) for value in predicted),
        metered=tuple(float(value) for value in y_after),
    )
