"""One entry point to reconciliation: the sparse solver for large plain flow networks, the
dense general one otherwise (:mod:`cleanprod.core.balance.sparse`,
:mod:`cleanprod.core.balance.reconcile`)."""

from __future__ import annotations

from cleanprod.core.balance import sparse
from cleanprod.core.balance.problem import BalanceProblem, Reconciliation
from cleanprod.core.balance.reconcile import reconcile

#: Above this many variables a plain flow network goes to the sparse solver.
SPARSE_THRESHOLD = 2000


def solve_problem(problem: BalanceProblem, confidence: float = 0.95) -> Reconciliation:
    """Reconcile ``problem`` with the solver that suits its size and form.

    A large problem solved sparsely has no covariance matrix (``covariance`` is ``None``);
    its standard deviations are computed all the same.
    """
    if problem.n_variables > SPARSE_THRESHOLD and sparse.is_flow_network(problem):
        return sparse.reconcile_network(problem, confidence=confidence)
    return reconcile(problem, confidence=confidence)
