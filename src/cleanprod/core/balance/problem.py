"""The numeric form of a balance: variables, balance equations, measurements.

A :class:`BalanceProblem` is what the reconciliation works on, with no units and no
document left in it: a vector of variables ``v`` (flows, stock changes, sums read on a bill,
ratios, concentrations — all in the canonical unit of their layer), some of them measured with
a standard deviation, and balance equations

.. math::  F(v) = A\\,v + \\sum_k c_k\\, v_{i_k} v_{j_k} + b = 0,

one row per equation. The bilinear terms carry concentrations (a substance flow is the
concentration times its carrier flow) and ratios known with an uncertainty (``x − r·y = 0``);
without them the problem is linear, as in a plain mass balance.

References
----------
Cencic, O. (2016). Nonlinear data reconciliation in material flow analysis with software STAN.
Sustainable Environment Research 26, 291–298. doi:10.1016/j.serj.2016.06.002
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

#: Statuses of a variable after reconciliation (Narasimhan & Jordache 2000, ch. 3).
REDUNDANT = "redundant"
NON_REDUNDANT = "non-redundant"
OBSERVABLE = "observable"
UNOBSERVABLE = "unobservable"
STATUSES = (REDUNDANT, NON_REDUNDANT, OBSERVABLE, UNOBSERVABLE)


@dataclass(frozen=True)
class BilinearTerms:
    """Terms ``coefficient · v[first] · v[second]`` added to equation ``row``.

    Four arrays of the same length; empty for a linear problem.
    """

    row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    first: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    second: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    coefficient: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return len(self.row)


@dataclass(frozen=True)
class BalanceProblem:
    """Balance equations ``F(v) = 0`` over variables of which some are measured.

    Attributes
    ----------
    names : tuple of str
        One label per variable (``n`` of them), e.g. ``"flow:fresh-water"``.
    measured_value : ndarray, shape (n,)
        The measured value of each variable in its canonical unit; NaN where unknown.
    measured_sd : ndarray, shape (n,)
        Standard deviation of each measurement, same unit; NaN where unknown, 0 for a value
        taken as exact.
    lower : ndarray, shape (n,)
        Lower bound of each variable (0 for a flow, −inf for a stock change).
    matrix : scipy.sparse.csr_array, shape (m, n)
        The linear part ``A`` of the equations.
    constant : ndarray, shape (m,)
        The constant part ``b``.
    equations : tuple of str
        One label per equation, e.g. ``"washing"`` or ``"ratio:syrup-recipe"``.
    bilinear : BilinearTerms
        The bilinear part; empty for a linear problem.
    """

    names: tuple[str, ...]
    measured_value: np.ndarray
    measured_sd: np.ndarray
    lower: np.ndarray
    matrix: sparse.csr_array
    constant: np.ndarray
    equations: tuple[str, ...]
    bilinear: BilinearTerms = field(default_factory=BilinearTerms)

    def __post_init__(self) -> None:
        n, m = len(self.names), len(self.equations)
        for name, array in (
            ("measured_value", self.measured_value),
            ("measured_sd", self.measured_sd),
            ("lower", self.lower),
        ):
            if array.shape != (n,):
                raise ValueError(f"{name} has shape {array.shape}, expected ({n},)")
        if self.matrix.shape != (m, n):
            raise ValueError(f"matrix has shape {self.matrix.shape}, expected ({m}, {n})")
        if self.constant.shape != (m,):
            raise ValueError(f"constant has shape {self.constant.shape}, expected ({m},)")
        known = np.isfinite(self.measured_value)
        if not np.array_equal(known, np.isfinite(self.measured_sd)):
            raise ValueError("every measured value needs a finite standard deviation")
        if np.any(self.measured_sd[known] < 0):
            raise ValueError("a standard deviation cannot be negative")

    @property
    def n_variables(self) -> int:
        return len(self.names)

    @property
    def n_equations(self) -> int:
        return len(self.equations)

    @property
    def is_measured(self) -> np.ndarray:
        """Boolean mask of the measured variables."""
        return np.isfinite(self.measured_value)

    @property
    def is_linear(self) -> bool:
        return len(self.bilinear) == 0

    def residual(self, values: np.ndarray) -> np.ndarray:
        """``F(v)``: what each equation leaves over at ``values`` [canonical units]."""
        result = self.matrix @ values + self.constant
        terms = self.bilinear
        if len(terms):
            np.add.at(
                result,
                terms.row,
                terms.coefficient * values[terms.first] * values[terms.second],
            )
        return result

    def jacobian(self, values: np.ndarray) -> sparse.csr_array:
        """``∂F/∂v`` at ``values``, shape (m, n)."""
        terms = self.bilinear
        if not len(terms):
            return self.matrix
        rows = np.concatenate([terms.row, terms.row])
        columns = np.concatenate([terms.first, terms.second])
        entries = np.concatenate(
            [
                terms.coefficient * values[terms.second],
                terms.coefficient * values[terms.first],
            ]
        )
        extra = sparse.csr_array((entries, (rows, columns)), shape=self.matrix.shape)
        return (self.matrix + extra).tocsr()


@dataclass(frozen=True)
class Reconciliation:
    """The reconciled balance: every variable's best value, its uncertainty and its status.

    Attributes
    ----------
    problem : BalanceProblem
        The problem solved.
    value : ndarray, shape (n,)
        Reconciled value of a measured variable, estimate of an observable unknown; NaN for an
        unobservable one [canonical units].
    sd : ndarray, shape (n,)
        Standard deviation of ``value``; NaN for an unobservable variable.
    status : tuple of str
        One of :data:`STATUSES` per variable.
    test : ndarray, shape (n,)
        Measurement test ``|x̂ − x̃| / √(σ² − σ̂²)`` of a redundant measured variable
        (> 1.96 flags a suspect at 95 %); NaN for the others.
    chi2, dof, critical, p_value, consistent
        Global test: ``χ² = Σ ((x̂ − x̃)/σ)²`` over the measured variables, compared with the
        χ² quantile of ``dof`` = number of independent redundancy equations at ``confidence``.
        With no redundancy ``dof`` is 0, ``critical`` 0 and ``p_value`` 1.
    confidence : float
        Level of the tests (0.95).
    at_bound : tuple of int
        Variables the plain solution would have made negative (below ``lower``), held at their
        bound by the bounded solution; empty when the plain solution respects every bound.
    covariance : ndarray, shape (n, n), or None
        Covariance of ``value`` (zero rows for unobservable variables); ``None`` when the
        problem was too large to form it.
    iterations : int
        Linearisations needed (1 for a linear problem).
    """

    problem: BalanceProblem
    value: np.ndarray
    sd: np.ndarray
    status: tuple[str, ...]
    test: np.ndarray
    chi2: float
    dof: int
    critical: float
    p_value: float
    consistent: bool
    confidence: float = 0.95
    at_bound: tuple[int, ...] = ()
    covariance: np.ndarray | None = None
    iterations: int = 1

    @property
    def adjustment(self) -> np.ndarray:
        """Reconciled minus measured value; NaN for unknown variables."""
        return self.value - self.problem.measured_value

    @property
    def bounded(self) -> bool:
        """Whether bounds had to be imposed (the plain solution had a negative flow)."""
        return bool(self.at_bound)


def bound_slack(problem: BalanceProblem, value: np.ndarray) -> float:
    """How far below its bound a value may lie and still count as at it [canonical units]:
    1e-9 of the largest value or measurement (at least 1e-9)."""
    scale = np.nanmax(np.abs(np.concatenate([value, problem.measured_value, [1.0]])))
    return 1e-9 * scale
