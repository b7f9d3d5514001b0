"""Data reconciliation by weighted least squares under the balance equations.

The measured values ``x̃`` (covariance ``Q``, diagonal) are adjusted as little as their
uncertainties allow so that, with some values of the unknowns ``y``, every balance equation
holds. The unknowns are first eliminated by projecting the (linearised) equations onto the left
null space of their columns (Crowe et al. 1983), the measured values are reconciled against the
equations that remain — the redundancy equations — and the unknowns are then solved for.
Bilinear equations (concentration × carrier flow, uncertain ratios) are linearised at the
current estimate and the step repeated until it no longer moves (Cencic 2016).

This module is the general solver: dense linear algebra (QR and SVD), any equations, bounds.
It suits an assessment (hundreds of variables, milliseconds). Very large linear flow networks
go to :mod:`cleanprod.core.balance.sparse`.

References
----------
Crowe, C. M., Garcia Campos, Y. A., Hrymak, A. (1983). Reconciliation of process flow rates by
matrix projection. Part I: linear case. AIChE Journal 29, 881–888. doi:10.1002/aic.690290602

Narasimhan, S., Jordache, C. (2000). *Data Reconciliation and Gross Error Detection*. Gulf
Publishing, Houston. Chapters 3 (linear reconciliation, observability, redundancy) and 7
(global and measurement tests).

Cencic, O. (2016). Nonlinear data reconciliation in material flow analysis with software STAN.
Sustainable Environment Research 26, 291–298. doi:10.1016/j.serj.2016.06.002
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.stats

from cleanprod.core.balance.problem import (
    NON_REDUNDANT,
    OBSERVABLE,
    REDUNDANT,
    UNOBSERVABLE,
    BalanceProblem,
    Reconciliation,
    bound_slack,
)
from cleanprod.errors import CleanprodError

#: Relative tolerance of the rank decisions (singular values below it count as zero).
RANK_TOLERANCE = 1e-9


class ReconciliationError(CleanprodError, ValueError):
    """The equations cannot be reconciled (they contradict each other, or do not converge):
    a problem of the data, reported to the user as such."""


@dataclass(frozen=True)
class _LinearSolution:
    """One weighted-least-squares step on the equations linearised at a point."""

    value: np.ndarray
    covariance: np.ndarray
    redundant: np.ndarray  # bool per variable (measured ones only meaningful)
    observable: np.ndarray  # bool per variable (unknown ones only meaningful)
    test: np.ndarray
    chi2: float
    dof: int


def _row_basis(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(U_r, S_r V_rᵀ)`` of the SVD of ``matrix``: an orthonormal basis of its independent
    combinations of rows and those rows, with rank decided by :data:`RANK_TOLERANCE`."""
    if matrix.size == 0:
        return np.zeros((matrix.shape[0], 0)), np.zeros((0, matrix.shape[1]))
    left, singular, right = scipy.linalg.svd(matrix, full_matrices=False)
    scale = singular[0] if singular.size else 0.0
    rank = int(np.sum(singular > RANK_TOLERANCE * max(scale, 1.0)))
    return left[:, :rank], singular[:rank, None] * right[:rank]


def _left_null_space(matrix: np.ndarray) -> np.ndarray:
    """Rows spanning ``{p : pᵀ matrix = 0}`` (the projection ``P`` of Crowe et al. 1983)."""
    rows, columns = matrix.shape
    if columns == 0:
        return np.eye(rows)
    left, singular, _ = scipy.linalg.svd(matrix, full_matrices=True)
    scale = singular[0] if singular.size else 0.0
    rank = int(np.sum(singular > RANK_TOLERANCE * max(scale, 1.0)))
    return left[:, rank:].T


def _solve_linearised(
    jacobian: np.ndarray,
    offset: np.ndarray,
    measured_value: np.ndarray,
    measured_sd: np.ndarray,
    fixed: np.ndarray,
) -> _LinearSolution:
    """Reconcile ``jacobian @ v + offset = 0`` against the measurements.

    ``fixed`` marks measured variables taken as exact (σ = 0, or held at a bound): they are
    constants of the equations, never adjusted.
    """
    n = jacobian.shape[1]
    measured = np.isfinite(measured_value)
    free = measured & ~fixed
    unknown = ~measured
    x_free, x_fixed, y = np.flatnonzero(free), np.flatnonzero(fixed), np.flatnonzero(unknown)

    # Eliminate the unknowns: project onto the left null space of their columns.
    projection = _left_null_space(jacobian[:, y])
    projected = projection @ jacobian
    redundancy_rows = projected[:, np.flatnonzero(measured)]
    scale = max(np.abs(redundancy_rows).max(initial=0.0), 1.0)
    redundant = np.zeros(n, dtype=bool)
    redundant[np.flatnonzero(measured)] = (
        np.abs(redundancy_rows).max(axis=0, initial=0.0) > RANK_TOLERANCE * scale
    )

    constant = projection @ offset + projected[:, x_fixed] @ measured_value[x_fixed]
    basis, rows = _row_basis(projected[:, x_free])
    constant = basis.T @ constant
    dof = rows.shape[0]

    sd = measured_sd[x_free]
    variance = sd**2
    value = np.where(measured, measured_value, 0.0)
    covariance = np.zeros((n, n))
    test = np.full(n, np.nan)
    chi2 = 0.0
    reconciled_cov = np.diag(variance)
    if dof:
        # x̂ = x̃ − Q Bᵀ (B Q Bᵀ)⁻¹ (B x̃ + d);  Q̂ = Q − Q Bᵀ (B Q Bᵀ)⁻¹ B Q.
        weighted = rows * variance  # B Q
        normal = weighted @ rows.T  # B Q Bᵀ
        factor = scipy.linalg.cho_factor(normal)
        misfit = rows @ measured_value[x_free] + constant
        gain = scipy.linalg.cho_solve(factor, weighted).T  # Q Bᵀ (B Q Bᵀ)⁻¹
        adjustment = -gain @ misfit
        value[x_free] = measured_value[x_free] + adjustment
        removed = gain @ weighted  # Q Bᵀ (B Q Bᵀ)⁻¹ B Q
        reconciled_cov = np.diag(variance) - removed
        chi2 = float(misfit @ scipy.linalg.cho_solve(factor, misfit))
        adjustment_sd = np.sqrt(np.clip(np.diag(removed), 0.0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            tests = np.abs(adjustment) / adjustment_sd
        adjusted = adjustment_sd > RANK_TOLERANCE * np.maximum(sd, 1e-300)
        test[x_free[adjusted]] = tests[adjusted]
    covariance[np.ix_(x_free, x_free)] = reconciled_cov

    # Solve for the unknowns: J_y ŷ = −(J_x x̂ + b), minimum norm where not unique.
    observable = np.zeros(n, dtype=bool)
    if y.size:
        block = jacobian[:, y]
        left, singular, right = scipy.linalg.svd(block, full_matrices=True)
        scale = singular[0] if singular.size else 0.0
        rank = int(np.sum(singular > RANK_TOLERANCE * max(scale, 1.0)))
        inverse = (right[:rank].T / singular[:rank]) @ left[:, :rank].T  # J_y⁺
        x_all = np.flatnonzero(measured)
        rhs = jacobian[:, x_all] @ value[x_all] + offset
        value[y] = -inverse @ rhs
        null = right[rank:].T  # columns spanning the null space of J_y
        row_weight = np.abs(null).max(axis=1, initial=0.0) if null.size else np.zeros(y.size)
        observable[y] = row_weight <= 1e-7
        sensitivity = -inverse @ jacobian[:, x_all]  # ∂ŷ/∂x̂
        cov_x = covariance[np.ix_(x_all, x_all)]
        covariance[np.ix_(y, y)] = sensitivity @ cov_x @ sensitivity.T
        cross = sensitivity @ cov_x
        covariance[np.ix_(y, x_all)] = cross
        covariance[np.ix_(x_all, y)] = cross.T
        hidden = y[~observable[y]]
        covariance[hidden, :] = 0.0
        covariance[:, hidden] = 0.0
    return _LinearSolution(value, covariance, redundant, observable, test, chi2, dof)


def _solve(
    problem: BalanceProblem,
    fixed: np.ndarray,
    start: np.ndarray,
    max_iterations: int,
    tolerance: float,
) -> tuple[_LinearSolution, int]:
    """Linearise, reconcile and repeat until the estimate stops moving."""
    measured_value = np.where(fixed & ~problem.is_measured, start, problem.measured_value)
    measured_sd = np.where(fixed & ~problem.is_measured, 0.0, problem.measured_sd)
    point = start.copy()
    for iteration in range(1, max_iterations + 1):
        jacobian = problem.jacobian(point).toarray()
        offset = problem.residual(point) - jacobian @ point
        solution = _solve_linearised(jacobian, offset, measured_value, measured_sd, fixed)
        if problem.is_linear:
            return solution, iteration
        step = np.abs(solution.value - point).max(initial=0.0)
        size = np.abs(solution.value).max(initial=0.0)
        point = solution.value
        if step <= tolerance * max(size, 1.0):
            return solution, iteration
    raise ReconciliationError(
        f"the balance did not converge in {max_iterations} linearisations; check the "
        "concentrations and ratios for values far from the rest of the data"
    )


def reconcile(
    problem: BalanceProblem,
    confidence: float = 0.95,
    max_iterations: int = 50,
    tolerance: float = 1e-10,
) -> Reconciliation:
    """Reconcile the measurements of ``problem`` with its balance equations.

    Parameters
    ----------
    problem : BalanceProblem
        Variables, measurements [canonical units] and equations.
    confidence : float
        Level of the global and measurement tests, 0 < confidence < 1.
    max_iterations : int
        Most linearisations of a bilinear problem.
    tolerance : float
        Relative change of the estimate below which the iteration has converged.

    Returns
    -------
    Reconciliation
        Values, standard deviations, statuses, tests and the full covariance.

    Notes
    -----
    Measured values with σ = 0 are exact: they are never adjusted and contribute no χ² term.
    When the plain solution puts a determined variable below its lower bound (a negative
    flow), the bounded problem is solved by an active set: such variables are held at their
    bound as exact values and the step repeated; a held variable whose bound multiplier turns
    negative is released; until no variable is below its bound and every multiplier is
    non-negative (the Karush–Kuhn–Tucker conditions). The covariance is that of the solution on
    its active set. Unobservable variables are never held. The variables held are listed in
    ``Reconciliation.at_bound``.

    References
    ----------
    Crowe et al. (1983); Narasimhan & Jordache (2000), ch. 3 and 7; Cencic (2016).
    Nocedal, J., Wright, S. J. (2006). *Numerical Optimization*, 2nd ed., Springer, ch. 16
    (active-set methods for quadratic programs).
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence}")
    measured = problem.is_measured
    fixed = measured & (problem.measured_sd == 0.0)
    start = _starting_point(problem)
    solution, iterations = _solve(problem, fixed, start, max_iterations, tolerance)

    # Bounds by an active set: hold the variables that fall below their bound at the bound,
    # release a held one whose bound pulls the wrong way (negative multiplier), repeat.
    active = np.zeros(problem.n_variables, dtype=bool)
    tried: set[bytes] = set()
    for _ in range(2 * problem.n_variables + 2):
        determined = measured | solution.observable
        slack = bound_slack(problem, solution.value)
        below = determined & ~active & (solution.value < problem.lower - slack)
        if below.any():
            active |= below
        else:
            release = _wrong_way_bound(problem, solution, active, fixed)
            if release is None:
                break
            active[release] = False
        if active.tobytes() in tried:
            raise ReconciliationError(
                "no reconciliation keeps every flow at or above zero: the measurements "
                "contradict the balance too strongly; look at the largest measurement tests"
                + _unmet_text(problem, np.where(active, problem.lower, solution.value))
            )
        tried.add(active.tobytes())
        start = np.where(active, problem.lower, solution.value)
        if active.any():
            solution, more = _solve_held(
                problem, fixed | active, active, start, max_iterations, tolerance
            )
        else:
            solution, more = _solve(problem, fixed, start, max_iterations, tolerance)
        iterations += more
    unmet = _unmet_text(problem, solution.value)
    if unmet:
        held = " and zero for a flow" if active.any() else ""
        raise ReconciliationError(
            f"the values taken as exact (sd 0){held} cannot all hold{unmet}; give the exact "
            "values an uncertainty, or correct them"
        )
    at_bound = tuple(int(index) for index in np.flatnonzero(active))
    return _result(problem, solution, confidence, at_bound, iterations)


def _unmet_text(problem: BalanceProblem, value: np.ndarray) -> str:
    """``: <equation> is left with <residual>`` for the equations ``value`` does not meet
    (only possible when exact values contradict each other); empty when all are met."""
    residual = problem.residual(value)
    size = abs(problem.matrix) @ np.abs(value) + np.abs(problem.constant)
    terms = problem.bilinear
    if len(terms):
        np.add.at(
            size, terms.row, np.abs(terms.coefficient * value[terms.first] * value[terms.second])
        )
    overall = np.abs(value[np.isfinite(value)]).max(initial=1.0)
    unmet = np.flatnonzero(np.abs(residual) > np.maximum(1e-7 * size, 1e-9 * overall))
    if not unmet.size:
        return ""
    shown = ", ".join(
        f"{describe_equation(problem.equations[row])} is left with {residual[row]:.4g}"
        for row in unmet[:3]
    )
    more = f" and {unmet.size - 3} more" if unmet.size > 3 else ""
    return f": {shown}{more} (in canonical units)"


def describe_equation(label: str) -> str:
    """``balance:washing:water`` → ``the water balance of washing``; ``sum:bill:energy`` →
    ``sum measurement 'bill'``; other labels as they are."""
    kind, _, rest = label.partition(":")
    name, _, layer = rest.rpartition(":")
    if kind == "balance" and name:
        return f"the {layer} balance of {name}"
    if kind == "sum" and name:
        return f"sum measurement '{name}'"
    if kind == "ratio" and name:
        return f"ratio '{name}'"
    return label


def _starting_point(problem: BalanceProblem) -> np.ndarray:
    """Measured values as they are; unknowns at 1 in bilinear terms (so no product starts at
    a zero derivative) and 0 elsewhere."""
    start = np.where(problem.is_measured, problem.measured_value, 0.0)
    if not problem.is_linear:
        in_products = np.unique(np.concatenate([problem.bilinear.first, problem.bilinear.second]))
        unknown = in_products[~problem.is_measured[in_products]]
        start[unknown] = 1.0
    return start


def _wrong_way_bound(
    problem: BalanceProblem,
    solution: _LinearSolution,
    active: np.ndarray,
    fixed: np.ndarray,
) -> int | None:
    """The held variable whose bound pulls it down, if any (the most negative multiplier).

    At the optimum of ``min Σ ((v − x̃)/σ)²`` under ``F(v) = 0`` and ``v ≥ lower`` the
    gradient ``g`` of the objective satisfies ``g + Jᵀλ − μ = 0`` with ``μ ≥ 0`` on the held
    variables and ``μ = 0`` on the free ones (Karush–Kuhn–Tucker; Nocedal & Wright 2006,
    ch. 16). ``λ`` is found from the free variables by least squares, then ``μ`` of each
    held one; a negative ``μ`` means the variable would rather rise from its bound.
    """
    if not active.any():
        return None
    measured = problem.is_measured & ~fixed
    weight = np.zeros(problem.n_variables)
    weight[measured] = 1.0 / problem.measured_sd[measured] ** 2
    gradient = 2.0 * weight * np.where(measured, solution.value - problem.measured_value, 0.0)
    jacobian = problem.jacobian(solution.value).toarray()
    free = ~fixed & ~active
    multipliers = np.linalg.lstsq(jacobian[:, free].T, -gradient[free], rcond=None)[0]
    held = np.flatnonzero(active)
    bound_force = gradient[held] + jacobian[:, held].T @ multipliers
    scale = max(np.abs(gradient).max(initial=0.0), 1.0)
    worst = int(np.argmin(bound_force))
    if bound_force[worst] >= -1e-9 * scale:
        return None
    return int(held[worst])


def _solve_held(
    problem: BalanceProblem,
    held: np.ndarray,
    active: np.ndarray,
    start: np.ndarray,
    max_iterations: int,
    tolerance: float,
) -> tuple[_LinearSolution, int]:
    """Solve with the variables of ``active`` held at their bound as exact values."""
    bounded = BalanceProblem(
        names=problem.names,
        measured_value=np.where(active, problem.lower, problem.measured_value),
        measured_sd=np.where(active, 0.0, problem.measured_sd),
        lower=problem.lower,
        matrix=problem.matrix,
        constant=problem.constant,
        equations=problem.equations,
        bilinear=problem.bilinear,
    )
    solution, iterations = _solve(bounded, held, start, max_iterations, tolerance)
    # The χ² of the bounded solution counts the pull of the held measurements too.
    measured = problem.is_measured & (problem.measured_sd > 0)
    residual = (solution.value[measured] - problem.measured_value[measured]) / (
        problem.measured_sd[measured]
    )
    test = solution.test.copy()
    held_measured = active & measured
    test[held_measured] = (
        np.abs(problem.measured_value[held_measured] - problem.lower[held_measured])
        / problem.measured_sd[held_measured]
    )
    redundant = solution.redundant | held_measured
    observable = solution.observable | (active & ~problem.is_measured)
    chi2 = float(residual @ residual)
    return (
        _LinearSolution(
            solution.value,
            solution.covariance,
            redundant,
            observable,
            test,
            chi2,
            solution.dof + int(held_measured.sum()),
        ),
        iterations,
    )


def _result(
    problem: BalanceProblem,
    solution: _LinearSolution,
    confidence: float,
    at_bound: tuple[int, ...],
    iterations: int,
) -> Reconciliation:
    measured = problem.is_measured
    status = np.where(
        measured,
        np.where(solution.redundant, REDUNDANT, NON_REDUNDANT),
        np.where(solution.observable, OBSERVABLE, UNOBSERVABLE),
    )
    determined = measured | solution.observable
    value = np.where(determined, solution.value, np.nan)
    sd = np.where(determined, np.sqrt(np.clip(np.diag(solution.covariance), 0.0, None)), np.nan)
    dof = int(solution.dof)
    if dof:
        critical = float(scipy.stats.chi2.ppf(confidence, dof))
        p_value = float(scipy.stats.chi2.sf(solution.chi2, dof))
    else:
        critical, p_value = 0.0, 1.0
    return Reconciliation(
        problem=problem,
        value=value,
        sd=sd,
        status=tuple(str(item) for item in status),
        test=solution.test,
        chi2=solution.chi2,
        dof=dof,
        critical=critical,
        p_value=p_value,
        consistent=bool(solution.chi2 <= critical or dof == 0),
        confidence=confidence,
        at_bound=at_bound,
        covariance=solution.covariance,
        iterations=iterations,
    )
