"""The sparse flow-network reconciliation: the same answers as the dense solver, faster.

Hand cases are small enough to check on paper (working in the comments); each is also compared
with :func:`cleanprod.core.balance.reconcile.reconcile`. The properties draw random connected
flow networks (the outside as one node, flows closing around cycles so that the true values
balance, some stock changes, some exact values) and require the two solvers to agree on every
number they report. Where flows come out negative, the bounded solution is also checked against
an independent QP solver (OSQP, a dev dependency).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse
import scipy.sparse.linalg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from cleanprod.core.balance import sparse as sparse_solver
from cleanprod.core.balance.problem import (
    NON_REDUNDANT,
    OBSERVABLE,
    REDUNDANT,
    UNOBSERVABLE,
    BalanceProblem,
    BilinearTerms,
    Reconciliation,
)
from cleanprod.core.balance.reconcile import ReconciliationError, reconcile
from cleanprod.core.balance.sparse import (
    NegativeFlowError,
    classify_network,
    is_flow_network,
    reconcile_network,
)

OUTSIDE = 0
Value = float | None


def flow_problem(
    ends: Sequence[tuple[int, int]],
    value: Sequence[Value],
    sd: Sequence[Value],
    *,
    n_processes: int | None = None,
    lower: Sequence[float] | None = None,
    constant: Sequence[float] | None = None,
) -> BalanceProblem:
    """A flow network from ``(source, target)`` pairs (0 is the outside, processes 1..p),
    values and standard deviations (``None`` where unknown)."""
    if n_processes is None:
        n_processes = max(max(pair) for pair in ends)
    rows, columns, entries = [], [], []
    for column, (source, target) in enumerate(ends):
        for node, sign in ((source, -1.0), (target, 1.0)):
            if node != OUTSIDE:
                rows.append(node - 1)
                columns.append(column)
                entries.append(sign)
    n = len(ends)
    return BalanceProblem(
        names=tuple(f"x{index}" for index in range(n)),
        measured_value=np.array([np.nan if x is None else x for x in value], dtype=float),
        measured_sd=np.array([np.nan if s is None else s for s in sd], dtype=float),
        lower=np.zeros(n) if lower is None else np.array(lower, dtype=float),
        matrix=scipy.sparse.csr_array(
            (entries, (rows, columns)), shape=(n_processes, n), dtype=float
        ),
        constant=np.zeros(n_processes) if constant is None else np.array(constant, dtype=float),
        equations=tuple(f"p{index}" for index in range(1, n_processes + 1)),
    )


def assert_bounded_optimum(problem: BalanceProblem, result: Reconciliation) -> None:
    """The result keeps every bound, closes every balance, and reaches the least weighted sum
    of squares that an independent solver (the QP on all variables, by OSQP) finds."""
    determined = np.isfinite(result.value)
    scale = np.nanmax(np.abs(np.concatenate([result.value, [1.0]])))
    assert (result.value[determined] >= problem.lower[determined] - 1e-9 * scale).all()
    matrix = problem.matrix.toarray()
    reaches = np.abs(matrix[:, ~determined]).sum(axis=1) == 0
    closed = matrix[:, determined] @ result.value[determined]
    assert_allclose(closed[reaches], 0, atol=1e-9 * scale)
    free = problem.is_measured & (problem.measured_sd > 0)
    exact = np.flatnonzero(problem.is_measured & (problem.measured_sd == 0))
    weight = np.where(free, 1 / np.where(free, problem.measured_sd, 1.0) ** 2, 0.0)
    target = np.where(free, problem.measured_value, 0.0)

    def objective(values: np.ndarray) -> float:
        return float(np.sum(weight * (values - target) ** 2))

    # The same QP by OSQP (a dev dependency): min Σ w (v − x̃)² s.t. A v = 0, exact values,
    # v ≥ lower.
    import osqp  # a pinned development dependency: never skipped

    n = problem.n_variables
    rows = scipy.sparse.vstack(
        [
            problem.matrix,
            scipy.sparse.csr_array(
                (np.ones(len(exact)), (np.arange(len(exact)), exact)), shape=(len(exact), n)
            ),
            scipy.sparse.eye_array(n, format="csr"),
        ]
    )
    lower = np.concatenate(
        [np.zeros(problem.n_equations), problem.measured_value[exact], problem.lower]
    )
    upper = np.concatenate(
        [np.zeros(problem.n_equations), problem.measured_value[exact], np.full(n, np.inf)]
    )
    solver = osqp.OSQP()
    solver.setup(
        osqp_matrix(scipy.sparse.diags_array(2 * weight)),
        -2 * weight * target,
        osqp_matrix(rows),
        lower,
        upper,
        verbose=False,
        eps_abs=1e-10,
        eps_rel=1e-10,
        eps_dual_inf=1e-14,  # circulations of unknown flows cost nothing: not unbounded
        max_iter=100_000,
        polishing=True,
    )
    independent = solver.solve(raise_error=False)
    assert independent.info.status == "solved", independent.info.status
    ours = objective(np.where(determined, result.value, 0.0))
    assert ours <= objective(independent.x) * (1 + 1e-7) + 1e-9


def osqp_matrix(matrix) -> scipy.sparse.csc_matrix:
    """A CSC matrix with the 32-bit indices OSQP takes."""
    matrix = scipy.sparse.csc_matrix(matrix)
    matrix.indices = matrix.indices.astype(np.int32)
    matrix.indptr = matrix.indptr.astype(np.int32)
    return matrix


def assert_same(sparse_result: Reconciliation, dense_result: Reconciliation) -> None:
    """The two solvers report the same numbers to 1e-8 relative. An sd close to 0 comes from
    σ² − σ⁴R, where rounding ε leaves about √ε σ: such sds are compared to 1e-7 of the largest
    σ (the dense solver gives ~1e-8 σ for a value that exact ones fix)."""
    assert sparse_result.status == dense_result.status
    assert sparse_result.dof == dense_result.dof
    assert sparse_result.at_bound == dense_result.at_bound
    assert sparse_result.consistent == dense_result.consistent
    value = dense_result.value
    scale = np.nanmax(np.abs(np.concatenate([value, [1.0]])))
    assert_allclose(sparse_result.value, value, rtol=1e-8, atol=1e-10 * scale)
    sd_scale = np.nanmax(np.concatenate([dense_result.problem.measured_sd, [1.0]]))
    assert_allclose(sparse_result.sd, dense_result.sd, rtol=1e-8, atol=1e-7 * sd_scale)
    assert_allclose(sparse_result.test, dense_result.test, rtol=1e-7, atol=1e-8)
    assert_allclose(sparse_result.chi2, dense_result.chi2, rtol=1e-8, atol=1e-12)
    assert_allclose(sparse_result.critical, dense_result.critical, rtol=1e-12)
    assert_allclose(sparse_result.p_value, dense_result.p_value, rtol=1e-8, atol=1e-14)


# --- The predicate ----------------------------------------------------------------------------


def test_is_flow_network_accepts_incidence_with_stock_changes():
    # outside → 1 → outside, and a stock change of 1 (one entry).
    problem = flow_problem([(0, 1), (1, 0), (1, 0)], [10, 9, None], [1, 1, None])
    assert is_flow_network(problem)


def test_is_flow_network_rejects_other_coefficients():
    problem = flow_problem([(0, 1), (1, 0)], [10, 9], [1, 1])
    doubled = replace(problem, matrix=scipy.sparse.csr_array([[2.0, -1.0]]))
    assert not is_flow_network(doubled)


def test_is_flow_network_rejects_two_entries_of_the_same_sign():
    # A bill read as the sum of two flows: its column has +1 in two equations.
    problem = flow_problem([(0, 1), (1, 0)], [10, 9], [1, 1], n_processes=2)
    summed = replace(problem, matrix=scipy.sparse.csr_array([[1.0, -1.0], [1.0, 0.0]]))
    assert not is_flow_network(summed)


def test_is_flow_network_rejects_bilinear_terms():
    problem = flow_problem([(0, 1), (1, 0)], [10, 9], [1, 1])
    terms = BilinearTerms(np.array([0]), np.array([0]), np.array([1]), np.array([1.0]))
    assert not is_flow_network(replace(problem, bilinear=terms))


def test_reconcile_network_refuses_a_problem_that_is_not_a_network():
    problem = flow_problem([(0, 1), (1, 0)], [10, 9], [1, 1])
    with pytest.raises(ValueError, match="not a plain flow network"):
        reconcile_network(replace(problem, matrix=scipy.sparse.csr_array([[2.0, -1.0]])))


# --- Hand cases ---------------------------------------------------------------------------------


def test_reconcile_network_two_measured_flows():
    # in = 100 ± 3, out = 90 ± 4: misfit 10 over var 25. in = out = 96.4, var 9·16/25 = 5.76;
    # χ² = 4 on 1 dof, both tests 10/5 = 2.
    problem = flow_problem([(0, 1), (1, 0)], [100, 90], [3, 4])
    result = reconcile_network(problem)
    assert_allclose(result.value, [96.4, 96.4], rtol=1e-12)
    assert_allclose(result.sd, [2.4, 2.4], rtol=1e-12)
    assert_allclose(result.test, [2.0, 2.0], rtol=1e-12)
    assert_allclose(result.chi2, 4.0, rtol=1e-12)
    assert result.dof == 1
    assert not result.consistent
    assert result.covariance is None
    assert_same(result, reconcile(problem))


def test_reconcile_network_chain_with_an_observable_unknown():
    # outside → 1 (a = 100 ± 2), 1 → 2 (u), 2 → outside (b = 104 ± 2): a = b = 102, var 2;
    # u = 102, observable, var 2.
    problem = flow_problem([(0, 1), (1, 2), (2, 0)], [100, None, 104], [2, None, 2])
    result = reconcile_network(problem)
    assert result.status == (REDUNDANT, OBSERVABLE, REDUNDANT)
    assert_allclose(result.value, [102, 102, 102], rtol=1e-12)
    assert_allclose(result.sd, [np.sqrt(2)] * 3, rtol=1e-12)
    assert_same(result, reconcile(problem))


def test_reconcile_network_loop_of_unmeasured_flows_is_unobservable():
    # a = 50 ± 1 in, b = 52 ± 1 out of process 1, and a loop 1 → 2 → 1 with neither measured:
    # the loop's circulation is free (unobservable); a = b = 51, sd √0.5.
    problem = flow_problem(
        [(0, 1), (1, 0), (1, 2), (2, 1)], [50, 52, None, None], [1, 1, None, None]
    )
    result = reconcile_network(problem)
    assert result.status == (REDUNDANT, REDUNDANT, UNOBSERVABLE, UNOBSERVABLE)
    assert np.isnan(result.value[2:]).all() and np.isnan(result.sd[2:]).all()
    assert_allclose(result.value[:2], [51, 51], rtol=1e-12)
    assert_allclose(result.sd[:2], [np.sqrt(0.5)] * 2, rtol=1e-12)
    assert_same(result, reconcile(problem))


def test_reconcile_network_non_redundant_measurement_is_unchanged():
    # a = 100 ± 1 in, b unknown and c = 30 ± 1 out: a and c are non-redundant (kept, no test),
    # b = 70 observable with var 1 + 1. No redundancy: dof 0, χ² 0, p 1.
    problem = flow_problem([(0, 1), (1, 0), (1, 0)], [100, None, 30], [1, None, 1])
    result = reconcile_network(problem)
    assert result.status == (NON_REDUNDANT, OBSERVABLE, NON_REDUNDANT)
    assert_allclose(result.value, [100, 70, 30], rtol=1e-12)
    assert_allclose(result.sd, [1, np.sqrt(2), 1], rtol=1e-12)
    assert np.isnan(result.test).all()
    assert (result.dof, result.chi2, result.critical, result.p_value) == (0, 0.0, 0.0, 1.0)
    assert result.consistent
    assert_same(result, reconcile(problem))


def test_reconcile_network_measured_flow_parallel_to_an_unknown_one_is_non_redundant():
    # 1 → 2 twice, once measured (m = 20 ± 1) and once not (u); a = 100 ± 2 in at 1 and
    # b = 103 ± 2 out of 2 are redundant (a − b = 0 over 1 and 2 together): 101.5 each, var 2;
    # m is non-redundant; u = a − m = 81.5 with var 2 + 1 = 3.
    problem = flow_problem([(0, 1), (1, 2), (1, 2), (2, 0)], [100, 20, None, 103], [2, 1, None, 2])
    result = reconcile_network(problem)
    assert result.status == (REDUNDANT, NON_REDUNDANT, OBSERVABLE, REDUNDANT)
    assert_allclose(result.value, [101.5, 20, 81.5, 101.5], rtol=1e-12)
    assert_allclose(result.sd, [np.sqrt(2), 1, np.sqrt(3), np.sqrt(2)], rtol=1e-12)
    assert_same(result, reconcile(problem))


def test_reconcile_network_exact_measurement_is_never_adjusted():
    # in = 100 exact, out1 = 60 ± 3, out2 = 30 ± 4: the misfit of 10 goes to the outputs
    # (9 and 16 of 25): 63.6 and 36.4, sd 2.4 each; χ² 4; the exact value has sd 0, no test.
    problem = flow_problem([(0, 1), (1, 0), (1, 0)], [100, 60, 30], [0, 3, 4])
    result = reconcile_network(problem)
    assert result.value[0] == 100 and result.sd[0] == 0 and np.isnan(result.test[0])
    assert_allclose(result.value[1:], [63.6, 36.4], rtol=1e-12)
    assert_allclose(result.sd[1:], [2.4, 2.4], rtol=1e-12)
    assert_allclose(result.test[1:], [2.0, 2.0], rtol=1e-12)
    assert_allclose(result.chi2, 4.0, rtol=1e-12)
    assert result.status == (REDUNDANT,) * 3
    assert_same(result, reconcile(problem))


def test_reconcile_network_flow_fixed_by_exact_values_has_zero_sd():
    # outside → 1 unknown (u), 1 → 2 exact (50), 2 → outside x = 48 ± 3.5. The balance of 2
    # fixes x = 50 exactly: sd 0 (computed as σ² − σ⁴·(1/σ²), rounding would leave 4e-8), test
    # |50 − 48| / √(3.5² − 0) = 4/7, χ² (2/3.5)²; u = 50 with sd 0.
    problem = flow_problem([(0, 1), (1, 2), (2, 0)], [None, 50, 48], [None, 0, 3.5])
    result = reconcile_network(problem)
    assert_allclose(result.value, [50, 50, 50], rtol=1e-12)
    assert list(result.sd) == [0.0, 0.0, 0.0]
    assert_allclose(result.test[2], 4 / 7, rtol=1e-12)
    assert_allclose(result.chi2, (2 / 3.5) ** 2, rtol=1e-12)
    assert_same(result, reconcile(problem))


def test_reconcile_network_stock_changes():
    # A store: in = 80 ± 2, out = 100 ± 2, stock change s unknown (lower −∞): s = −20,
    # var 8. A second store with a measured stock change s2 = −16 ± 2, in2 = 80 ± 2,
    # out2 = 100 ± 2: misfit −4 over var 12, each moves by 4/3: var 4 − 16/12 = 8/3.
    problem = flow_problem(
        [(0, 1), (1, 0), (1, 0), (0, 2), (2, 0), (2, 0)],
        [80, 100, None, 80, 100, -16],
        [2, 2, None, 2, 2, 2],
        lower=[0, 0, -np.inf, 0, 0, -np.inf],
    )
    result = reconcile_network(problem)
    assert result.status == (NON_REDUNDANT, NON_REDUNDANT, OBSERVABLE) + (REDUNDANT,) * 3
    assert_allclose(result.value[:3], [80, 100, -20], rtol=1e-12)
    assert_allclose(result.sd[:3], [2, 2, 2 * np.sqrt(2)], rtol=1e-12)
    assert_allclose(result.value[3:], [80 + 4 / 3, 100 - 4 / 3, -16 - 4 / 3], rtol=1e-12)
    assert_allclose(result.sd[3:], [np.sqrt(8 / 3)] * 3, rtol=1e-12)
    assert result.at_bound == ()
    assert_same(result, reconcile(problem))


def test_reconcile_network_closed_part_without_the_outside():
    # Two processes exchanging flows, no link to the outside: 1 → 2 (a = 10 ± 1),
    # 2 → 1 (b = 12 ± 1) and 1 → 2 unknown (u). Contracting u merges 1 and 2, so a and b become
    # self-loops: non-redundant. u is a bridge of the unmeasured flows: observable,
    # u = b − a = 2 with var 1 + 1.
    problem = flow_problem([(1, 2), (2, 1), (1, 2)], [10, 12, None], [1, 1, None])
    result = reconcile_network(problem)
    assert result.status == (NON_REDUNDANT, NON_REDUNDANT, OBSERVABLE)
    assert_allclose(result.value, [10, 12, 2], rtol=1e-12)
    assert_allclose(result.sd, [1, 1, np.sqrt(2)], rtol=1e-12)
    assert_same(result, reconcile(problem))


def test_reconcile_network_closed_part_is_reconciled_within_itself():
    # Processes 1 and 2 with no outside link: 1 → 2 (a = 10 ± 1), 2 → 1 (b = 12 ± 1). One
    # independent balance a − b = 0: 11 each, var 0.5, χ² 2 on 1 dof.
    problem = flow_problem([(1, 2), (2, 1)], [10, 12], [1, 1])
    result = reconcile_network(problem)
    assert result.status == (REDUNDANT, REDUNDANT)
    assert_allclose(result.value, [11, 11], rtol=1e-12)
    assert_allclose(result.sd, [np.sqrt(0.5)] * 2, rtol=1e-12)
    assert result.dof == 1
    assert_allclose(result.chi2, 2.0, rtol=1e-12)
    assert_same(result, reconcile(problem))


def test_reconcile_network_flow_from_a_process_to_itself():
    # A flow from 1 back to 1 is in no balance (its column is empty): measured, it is
    # non-redundant; unknown, unobservable. The rest reconciles as without it.
    problem = flow_problem([(0, 1), (1, 0), (1, 1), (1, 1)], [100, 90, 5, None], [3, 4, 1, None])
    result = reconcile_network(problem)
    assert result.status == (REDUNDANT, REDUNDANT, NON_REDUNDANT, UNOBSERVABLE)
    assert_allclose(result.value[:3], [96.4, 96.4, 5], rtol=1e-12)
    assert np.isnan(result.value[3])
    assert_same(result, reconcile(problem))


def test_reconcile_network_constant_part_of_the_equations():
    # Process 1 gains a known 5 from elsewhere (constant +5): in = 100 ± 3, out = 110 ± 4:
    # in − out + 5 = 0 → misfit −5 over var 25: in = 100 + 9/25·5 = 101.8, out = 106.8.
    problem = flow_problem([(0, 1), (1, 0)], [100, 110], [3, 4], constant=[5.0])
    result = reconcile_network(problem)
    assert_allclose(result.value, [101.8, 106.8], rtol=1e-12)
    assert_same(result, reconcile(problem))


def test_reconcile_network_exact_values_that_do_not_balance_are_refused():
    # Process 1 with in = 100 and out = 90, both exact: nothing can take up the 10.
    problem = flow_problem([(0, 1), (1, 0), (0, 2), (2, 0)], [100, 90, 5, 6], [0, 0, 1, 1])
    with pytest.raises(ReconciliationError, match="do not balance at p1"):
        reconcile_network(problem)


def test_reconcile_network_without_standard_deviations():
    # The values and the global test are the same; sd is NaN for adjusted and estimated values
    # only, tests are NaN.
    problem = flow_problem(
        [(0, 1), (1, 2), (2, 0), (2, 0), (0, 2)], [100, None, 60, 30, 5], [3, None, 2, 0, 1]
    )
    full = reconcile_network(problem)
    quick = reconcile_network(problem, standard_deviations=False)
    assert_allclose(quick.value, full.value, rtol=1e-12)
    assert (quick.chi2, quick.dof, quick.p_value) == (full.chi2, full.dof, full.p_value)
    adjusted_or_estimated = np.array([s in (REDUNDANT, OBSERVABLE) for s in full.status])
    exact = problem.measured_sd == 0
    assert np.isnan(quick.sd[adjusted_or_estimated & ~exact]).all()
    assert quick.sd[3] == 0
    assert np.isnan(quick.test).all()
    assert not np.isnan(full.sd[adjusted_or_estimated]).any()


def test_reconcile_network_negative_measured_flow_is_held_at_zero():
    # in = 10 ± 1, out1 = 12 ± 1, out2 = 1 ± 5. Plain: out2 = 1 − 25·3/27 < 0. Held at 0 (its
    # bound multiplier, 2 − 2/25, is positive), in = out1 = 11 with sd 1/√2, the held flow sd 0;
    # χ² = 1 + 1 + (1/5)² = 2.04 on 1 + 1 dof; the held flow's test is its distance from the
    # bound, 1/5.
    problem = flow_problem([(0, 1), (1, 0), (1, 0)], [10, 12, 1], [1, 1, 5])
    result = reconcile_network(problem)
    assert result.at_bound == (2,)
    assert result.status == (REDUNDANT,) * 3
    assert_allclose(result.value, [11, 11, 0], atol=1e-12)
    assert_allclose(result.sd, [np.sqrt(0.5), np.sqrt(0.5), 0], atol=1e-12)
    assert_allclose(result.chi2, 2.04, rtol=1e-12)
    assert result.dof == 2
    assert_allclose(result.test[2], 0.2, rtol=1e-12)
    assert_same(result, reconcile(problem))


def test_reconcile_network_negative_unknown_flow_is_held_at_zero():
    # in = 10 ± 1, out1 = 12 ± 1, out2 unknown: plain out2 = −2; held at 0 (multiplier 1),
    # observable; in = out1 = 11, sd 1/√2; χ² 2 on 1 dof.
    problem = flow_problem([(0, 1), (1, 0), (1, 0)], [10, 12, None], [1, 1, None])
    result = reconcile_network(problem)
    assert result.at_bound == (2,)
    assert result.status == (REDUNDANT, REDUNDANT, OBSERVABLE)
    assert_allclose(result.value, [11, 11, 0], atol=1e-12)
    assert_allclose(result.sd, [np.sqrt(0.5), np.sqrt(0.5), 0], atol=1e-12)
    assert_allclose(result.chi2, 2.0, rtol=1e-12)
    assert result.dof == 1
    assert_same(result, reconcile(problem))


def test_reconcile_network_negative_flow_with_precise_meters_is_held_at_zero():
    # The dense solver's SLSQP fails here (see test_reconcile.py); the active set does not.
    # in = 10 ± 0.1, out1 = 12 ± 0.1, out2 = 1 ± 5: in = out1 = 11 (multipliers 200 and
    # 200 − 0.08), sd 0.1/√2, out2 = 0.
    problem = flow_problem([(0, 1), (1, 0), (1, 0)], [10, 12, 1], [0.1, 0.1, 5])
    result = reconcile_network(problem)
    assert result.at_bound == (2,)
    assert_allclose(result.value, [11, 11, 0], atol=1e-12)
    assert_allclose(result.sd[:2], [0.1 / np.sqrt(2)] * 2, rtol=1e-12)


def test_reconcile_network_bounds_leave_an_unmeasured_loop_unobservable():
    # As above at process 1; elsewhere process 2 with u1 in and u2 out, neither measured:
    # any u1 = u2 fits, with or without bounds, so they stay unobservable and are never held.
    problem = flow_problem(
        [(0, 1), (1, 0), (1, 0), (0, 2), (2, 0)], [10, 12, 1, None, None], [1, 1, 5, None, None]
    )
    result = reconcile_network(problem)
    assert result.at_bound == (2,)
    assert result.status[3:] == (UNOBSERVABLE, UNOBSERVABLE)
    assert np.isnan(result.value[3:]).all()


def test_reconcile_network_releases_a_bound_held_too_early(monkeypatch):
    # a: outside → 1 (970 ± 47), b: 1 → 2 (1014 ± 11), c: 2 → outside (1047 ± 117),
    # u: outside → 2 unknown, w: 2 → outside (−150 ± 223). u merges 2 with the outside, so
    # c and w are non-redundant and only a − b = 0 is left: a = b = 1014 − 121/2330·44
    # = 1011.715. The plain solution has w = −150 and u = c + w − b = −114.7: both are held.
    # With u = 0 the balance of 2 pulls b and c together and u's bound multiplier is negative:
    # u is released, w stays held (multiplier 150/223² > 0), u = 1047 − 1011.715 = 35.285.
    problem = flow_problem(
        [(0, 1), (1, 2), (2, 0), (0, 2), (2, 0)],
        [970, 1014, 1047, None, -150],
        [47, 11, 117, None, 223],
    )
    rounds = []
    linear_step = sparse_solver._linear_step

    def spy(problem, held, plain=None):
        rounds.append(tuple(np.flatnonzero(held)))
        return linear_step(problem, held, plain)

    monkeypatch.setattr(sparse_solver, "_linear_step", spy)
    result = reconcile_network(problem)
    assert rounds == [(), (3, 4), (4,)]
    assert result.at_bound == (4,)
    b = 1014 - 121 / 2330 * 44
    assert_allclose(result.value, [b, b, 1047, 1047 - b, 0], rtol=1e-12)
    assert result.status == (REDUNDANT, REDUNDANT, NON_REDUNDANT, OBSERVABLE, REDUNDANT)
    assert_bounded_optimum(problem, result)
    assert_same(result, reconcile(problem))


def test_reconcile_network_no_solution_within_the_bounds():
    # in = 10 and out1 = 12 both exact, out2 unknown: out2 = −2, and holding it at 0 leaves the
    # exact values unbalanced.
    problem = flow_problem([(0, 1), (1, 0), (1, 0)], [10, 12, None], [0, 0, None])
    with pytest.raises(NegativeFlowError, match="no reconciliation keeps every flow"):
        reconcile_network(problem)


def test_reconcile_network_exact_value_below_its_bound_is_refused():
    problem = flow_problem([(0, 1), (1, 0), (1, 0)], [10, -2, None], [1, 0, None])
    with pytest.raises(ReconciliationError, match=r"x1 is taken as exact .* below its lower"):
        reconcile_network(problem)


def test_classify_network_gives_the_statuses_of_the_reconciliation():
    problem = flow_problem(
        [(0, 1), (1, 0), (1, 2), (2, 1), (2, 0)], [50, 52, None, None, 3], [1, 1, None, None, 1]
    )
    assert classify_network(problem) == reconcile(problem).status


# --- The selected inverse -----------------------------------------------------------------------


def random_laplacian(size: int, seed: int) -> scipy.sparse.csc_array:
    """A grounded weighted Laplacian of a connected random graph with local and far edges."""
    rng = np.random.default_rng(seed)
    first = np.concatenate([np.arange(size), rng.integers(0, size, 2 * size)])
    second = np.concatenate([np.arange(1, size + 1), rng.integers(0, size + 1, 2 * size)])
    keep = first != second
    first, second = first[keep], second[keep]
    weight = rng.uniform(0.1, 10.0, len(first))
    n = len(first)
    incidence = scipy.sparse.csc_array(
        (
            np.concatenate([np.ones(n), -np.ones(n)]),
            (np.concatenate([first, second]), np.concatenate([np.arange(n)] * 2)),
        ),
        shape=(size + 1, n),
    )
    laplacian = incidence @ scipy.sparse.diags_array(weight) @ incidence.T
    return scipy.sparse.csc_array(laplacian[:size, :size])


def test_selected_inverse_matches_the_dense_inverse():
    laplacian = random_laplacian(300, seed=1)
    dense = np.linalg.inv(laplacian.toarray())
    rng = np.random.default_rng(2)
    vectors = scipy.sparse.random_array((300, 40), density=0.03, rng=rng, format="csc")
    vectors = scipy.sparse.csc_array(vectors + scipy.sparse.eye_array(300, 40, format="csc"))
    expected_forms = np.einsum("ij,ij->j", vectors.toarray(), dense @ vectors.toarray())
    plain = sparse_solver._SelectedInverse(sparse_solver._factorisation(laplacian))
    wanted = sparse_solver._wanted_entries(vectors)
    widened = sparse_solver._SelectedInverse(sparse_solver._factorisation(laplacian, wanted))
    for inverse in (plain, widened):
        assert inverse.values is not None
        # Every entry on the pattern is the dense inverse's.
        size = 300
        column, row = np.divmod(inverse.keys, size)
        original = np.argsort(inverse.position)
        expected = dense[original[row], original[column]]
        assert_allclose(inverse.values, expected, rtol=1e-10, atol=1e-14)
        assert_allclose(inverse.quadratic_forms(vectors), expected_forms, rtol=1e-10)
    # The widened pattern holds every pair the vectors need: nothing left to solve.
    assert not np.isnan(widened._look_up(vectors, np.zeros(40, dtype=bool))).any()
    assert np.isnan(plain._look_up(vectors, np.zeros(40, dtype=bool))).any()


@pytest.mark.parametrize("topology", ["chain", "random"])
def test_reconcile_network_same_answer_however_the_inverse_is_reached(monkeypatch, topology):
    # Each estimate's sd needs entries of (B Q Bᵀ)⁻¹ that the factor's pattern may not hold:
    # widening the pattern, solving for them, or solving for everything gives the same numbers.
    network = chain_network(400, seed=3, window=6 if topology == "chain" else 10_000)
    results = []
    for cost, most_entries in ((0.0, 64), (np.inf, 64), (0.0, 0)):
        monkeypatch.setattr(sparse_solver, "SELECTED_INVERSION_COST", cost)
        monkeypatch.setattr(sparse_solver, "MOST_LOOKUP_ENTRIES", most_entries)
        results.append(reconcile_network(network))
    assert any(np.isfinite(results[0].sd[np.array(results[0].status) == OBSERVABLE]))
    for other in results[1:]:
        assert_allclose(other.sd, results[0].sd, rtol=1e-10, atol=1e-12, equal_nan=True)
        assert_allclose(other.test, results[0].test, rtol=1e-10, equal_nan=True)


def test_selected_inverse_widened_pattern_holds_every_entry_the_estimates_need():
    # In a long chain the entries the estimates need cost little to add to the pattern: the
    # selected inverse is widened and nothing is left to solve for.
    problem = chain_network(20_000, seed=5)
    step, _ = sparse_solver._hold_at_bounds(problem)
    redundancy = step.redundancy
    _, vectors = sparse_solver._cut_vectors(step.problem, step.graph, step.tree, redundancy)
    plain = sparse_solver._factorisation(redundancy.laplacian)
    assert sparse_solver._missing_entries(plain, vectors).any()
    inverse = sparse_solver._selected_inverse(redundancy.laplacian, vectors)
    assert len(inverse.keys) > len(plain.indices)
    skip = np.zeros(vectors.shape[1], dtype=bool)
    assert not np.isnan(inverse._look_up(vectors, skip)).any()


# --- Random networks ---------------------------------------------------------------------------


def chain_network(n_flows: int, seed: int, rough: bool = False, window: int = 6) -> BalanceProblem:
    """A long process chain with recycles and side streams reaching ``window`` processes
    along it, 20 % of flows unmeasured, some exact, true values that balance and noisy
    measurements.

    ``rough``: one measurement in three has a σ of 100–300 (flows carry 50–1000), so that
    small flows, and unknowns next to large ones, often come out negative."""
    rng = np.random.default_rng(seed)
    n_processes = max(n_flows // 3, 2)
    sources, targets, amounts = [], [], []

    def cycle(nodes: list[int], amount: float) -> None:
        for source, target in zip(nodes, [*nodes[1:], nodes[0]], strict=True):
            sources.append(source)
            targets.append(target)
            amounts.append(amount)

    cycle([OUTSIDE, *range(1, n_processes + 1)], 1000.0)
    while len(sources) < n_flows:
        start = int(rng.integers(1, n_processes + 1))
        if rng.random() < 0.5:  # a side stream: outside → a few processes → outside
            length = int(rng.integers(1, 4))
            steps = rng.integers(1, window, length - 1)
            path = [min(start + int(step), n_processes) for step in np.cumsum(steps)]
            nodes = list(dict.fromkeys([start, *path]))
            cycle([OUTSIDE, *nodes], float(rng.uniform(50, 500)))
        else:  # a recycle between two nearby processes
            other = min(start + int(rng.integers(1, window)), n_processes)
            if other != start:
                cycle([start, other], float(rng.uniform(50, 500)))
    n = len(sources)
    true_value = np.array(amounts)
    measured = rng.random(n) >= 0.2
    sd = true_value * rng.uniform(0.01, 0.05, n)
    if rough:
        coarse = rng.random(n) < 1 / 3
        sd[coarse] = rng.uniform(100, 300, int(coarse.sum()))
    exact = measured & (rng.random(n) < 0.02)
    sd[exact] = 0.0
    value = true_value + sd * rng.standard_normal(n)
    return flow_problem(
        list(zip(sources, targets, strict=True)),
        np.where(measured, value, np.nan).tolist(),
        np.where(measured, sd, np.nan).tolist(),
        n_processes=n_processes,
    )


def test_reconcile_network_agrees_with_dense_on_a_chain_of_600_flows():
    problem = chain_network(600, seed=7)
    result = reconcile_network(problem)
    assert set(result.status) == {REDUNDANT, NON_REDUNDANT, OBSERVABLE, UNOBSERVABLE}
    assert_same(result, reconcile(problem))


@st.composite
def flow_networks(draw: st.DrawFn) -> BalanceProblem:
    """Connected networks built from cycles through nodes already there (so the true values
    balance), with stock changes, unknown flows, exact values and noisy measurements."""
    nodes = [OUTSIDE]
    ends: list[tuple[int, int]] = []
    amounts: list[float] = []
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.sampled_from(nodes))
        size = draw(st.integers(1, 3))
        candidates = [node for node in range(max(nodes) + 4) if node != start]
        others = draw(
            st.lists(st.sampled_from(candidates), min_size=size, max_size=size, unique=True)
        )
        cycle = [start, *others]
        amount = draw(st.floats(1.0, 100.0))
        ends.extend(zip(cycle, [*cycle[1:], cycle[0]], strict=True))
        amounts.extend([amount] * len(cycle))
        nodes.extend(node for node in others if node not in nodes)
    number = {OUTSIDE: OUTSIDE}
    for node in nodes[1:]:
        number[node] = len(number)
    ends = [(number[source], number[target]) for source, target in ends]
    n_processes = len(number) - 1
    stocks = [p for p in range(1, n_processes + 1) if draw(st.integers(0, 3)) == 0]
    ends += [(process, OUTSIDE) for process in stocks]
    n = len(ends)
    true_value = np.concatenate([amounts, np.zeros(len(stocks))])
    lower = np.concatenate([np.zeros(len(amounts)), np.full(len(stocks), -np.inf)])
    measured = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    one_in_six = np.array(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)))
    exact = measured & (one_in_six == 0)
    relative = np.array(draw(st.lists(st.floats(0.01, 0.05), min_size=n, max_size=n)))
    sd = np.where(exact, 0.0, np.where(true_value > 0, relative * true_value, 1.0))
    noise = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).standard_normal(n)
    value = true_value + noise * sd
    return flow_problem(
        ends,
        np.where(measured, value, np.nan).tolist(),
        np.where(measured, sd, np.nan).tolist(),
        n_processes=n_processes,
        lower=lower.tolist(),
    )


PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(flow_networks())
def test_reconcile_network_property_agrees_with_dense(problem):
    assert is_flow_network(problem)
    assert_same(reconcile_network(problem), reconcile(problem))


@PROPERTY
@given(flow_networks())
def test_reconcile_network_property_values_close_every_balance(problem):
    result = reconcile_network(problem)
    if not result.at_bound:  # holding flows at their bound makes them exact values
        assert classify_network(problem) == result.status
    matrix = problem.matrix.toarray()
    for row in matrix:
        terms = row[row != 0] * result.value[row != 0]
        if np.isfinite(terms).all():
            assert abs(terms.sum()) <= 1e-9 * np.abs(terms).sum() + 1e-12
    assert (np.isnan(result.value) == (np.array(result.status) == UNOBSERVABLE)).all()


@settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(st.integers(4, 80), st.integers(0, 2**32 - 1))
def test_reconcile_network_property_bounded_solution(n_flows, seed):
    # Rough meters on small flows make negative flows common. The result keeps every bound
    # and is the bounded optimum; where the dense solver holds the same flows (it can fail, or
    # hold unobservable ones: see test_reconcile.py) the two agree on everything.
    problem = chain_network(n_flows, seed, rough=True)
    result = reconcile_network(problem)
    assert_bounded_optimum(problem, result)
    try:
        dense = reconcile(problem)
    except ReconciliationError:
        return
    if dense.at_bound == result.at_bound:
        assert_same(result, dense)
