"""The balance check before anything is adjusted: how far each balance is from closing.

For each equation whose variables are all measured, the imbalance is the equation's residual at
the measured values (for a process: inputs − outputs − stock change), its standard deviation
is propagated from the measurements (first order, through the Jacobian for bilinear terms),
and the nodal test is ``|imbalance| / σ`` — above 1.96 the balance does not close within the
stated uncertainties at 95 %. An equation with an unknown in it cannot be checked on its own.

References
----------
Narasimhan, S., Jordache, C. (2000). *Data Reconciliation and Gross Error Detection*, §7.3
(the nodal test). Gulf Publishing, Houston.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cleanprod.core.balance.problem import BalanceProblem


@dataclass(frozen=True)
class BalanceCheck:
    """Imbalance of each equation at the measured values [canonical units].

    ``imbalance``, ``sd`` and ``test`` are NaN for an equation with an unknown in it;
    ``test`` is also NaN where σ is 0 (every term exact).
    """

    imbalance: np.ndarray
    sd: np.ndarray
    test: np.ndarray

    @property
    def checked(self) -> np.ndarray:
        """Mask of the equations whose terms are all measured."""
        return np.isfinite(self.imbalance)


def check_balances(problem: BalanceProblem) -> BalanceCheck:
    """Imbalance, its σ and the nodal test of every equation of ``problem``."""
    measured = problem.is_measured
    point = np.where(measured, problem.measured_value, 0.0)
    jacobian = problem.jacobian(point).tocsr()
    unknown_count = abs(problem.matrix) @ (~measured).astype(float)
    terms = problem.bilinear
    np.add.at(unknown_count, terms.row, ~measured[terms.first] | ~measured[terms.second])
    complete = unknown_count == 0

    imbalance = np.where(complete, problem.residual(point), np.nan)
    variance = (jacobian.multiply(jacobian)) @ np.where(measured, problem.measured_sd**2, 0.0)
    sd = np.where(complete, np.sqrt(variance), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        test = np.where(complete & (sd > 0), np.abs(imbalance) / sd, np.nan)
    return BalanceCheck(imbalance=imbalance, sd=sd, test=test)
