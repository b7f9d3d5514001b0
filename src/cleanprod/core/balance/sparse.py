"""Reconciliation of very large linear flow networks, by graph methods and sparse factorisation.

A *flow network* is a linear balance problem in which every variable is a flow between two
processes, or between a process and the outside: every column of the matrix has at most one
``+1`` (the process the flow enters) and at most one ``−1`` (the process it leaves); a missing
end is the outside, so a stock change, with a single entry, is a flow to the outside. For such a
problem everything the dense solver (:func:`cleanprod.core.balance.reconcile.reconcile`) finds
with QR and SVD follows from the graph, in time close to linear in the number of flows:

1. **Classification** (Mah, Stanley & Downing 1976; Narasimhan & Jordache 2000, ch. 3).
   Contract every unmeasured flow, merging its two ends; the outside is one node. The balances
   of the merged nodes are the redundancy equations. A measured flow whose two ends merge (a
   self-loop) is in none of them: *non-redundant*. An unmeasured flow is *observable* iff it is
   a bridge of the graph of unmeasured flows — removing it cuts its merged node in two, and the
   balance of either side gives its value; otherwise it lies on a cycle of unmeasured flows whose
   circulation no balance sees: *unobservable*. Bridges are found by depth-first search
   (Tarjan 1974).
2. **Reconciliation** (Crowe et al. 1983). ``B`` is the incidence matrix of the measured flows
   between merged nodes, less one node per connected part of that graph (the outside where it
   belongs: it has no balance). Measured values with σ = 0 are constants ``d`` of the
   equations. Then ``x̂ = x̃ − Q Bᵀ λ`` with ``(B Q Bᵀ) λ = B x̃ + d``: ``B Q Bᵀ`` is a weighted
   graph Laplacian, symmetric positive definite, factorised once as ``P (B Q Bᵀ) Pᵀ = L D Lᵀ``
   (sparse LU with a minimum-degree ordering and diagonal pivots, which for this matrix is a
   sparse Cholesky factorisation). ``χ² = (B x̃ + d)ᵀ λ`` on ``rank B`` degrees of freedom.
3. **Unknowns.** An observable flow closes the balance of the side of its bridge away from the
   root of its merged node (the outside when the merged node holds it): a sum over a subtree of
   the tree of bridges.
4. **Standard deviations** ``diag(Q − Q Bᵀ (B Q Bᵀ)⁻¹ B Q)`` with no dense matrix. A measured
   flow between merged nodes ``i`` and ``j`` needs ``Z = (B Q Bᵀ)⁻¹`` at ``(i, i)``, ``(j, j)``
   and ``(i, j)``: entries on the pattern of the factor ``L``, which selected inversion
   (Takahashi, Fagan & Chen 1973; Erisman & Tinney 1975) computes from ``L`` and ``D`` at about
   the cost of the factorisation. An observable flow ``y = −aᵀx̂ + const`` (``a`` the measured
   flows across its cut) has ``var y = aᵀQa − gᵀ Z g`` with ``g = B Q a``. The pairs of entries
   of ``g`` off the factor's pattern are either added to the pattern (as explicit zeros, before
   factorising again for the selected inverse) or solved for, in blocks, with the factor,
   whichever a simple count of the work says is cheaper: adding them costs little in a long
   and narrow process network, and fills the factor in where flows join distant processes.
5. **Bounds.** When the plain solution puts a determined flow below its lower bound, an active
   set holds such flows at the bound (as exact values) and releases those whose bound
   multiplier turns negative, one linear solve per round, until every optimality condition of
   the bounded problem holds (Hintermüller, Ito & Kunisch 2002).

References
----------
Mah, R. S. H., Stanley, G. M., Downing, D. M. (1976). Reconciliation and rectification of
process flow and inventory data. Industrial & Engineering Chemistry Process Design and
Development 15, 175–183.

Crowe, C. M., Garcia Campos, Y. A., Hrymak, A. (1983). Reconciliation of process flow rates by
matrix projection. Part I: linear case. AIChE Journal 29, 881–888. doi:10.1002/aic.690290602

Narasimhan, S., Jordache, C. (2000). *Data Reconciliation and Gross Error Detection*. Gulf
Publishing, Houston. Chapters 3 (observability and redundancy, graph methods) and 7 (global and
measurement tests).

Tarjan, R. E. (1974). A note on finding the bridges of a graph. Information Processing
Letters 2, 160–161.

Takahashi, K., Fagan, J., Chen, M.-S. (1973). Formation of a sparse bus impedance matrix and
its application to short circuit study. Proceedings of the 8th PICA Conference, 63–69.

Erisman, A. M., Tinney, W. F. (1975). On computing certain elements of the inverse of a sparse
matrix. Communications of the ACM 18, 177–179.

Hintermüller, M., Ito, K., Kunisch, K. (2002). The primal-dual active set strategy as a
semismooth Newton method. SIAM Journal on Optimization 13, 865–888.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse
import scipy.sparse.csgraph
import scipy.sparse.linalg
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
from cleanprod.core.balance.reconcile import ReconciliationError

#: Most rounds of the active set that holds negative flows at their bound.
MOST_ACTIVE_SET_ROUNDS = 100

#: A held bound is released when its multiplier is below −(this × the largest multiplier).
MULTIPLIER_TOLERANCE = 1e-9

#: Columns solved at once when an entry of the inverse lies outside the factor's pattern.
SOLVE_BLOCK = 256

#: Vectors with more entries than this are solved for rather than read from the selected
#: inverse (the look-up costs the square of the number of entries).
MOST_LOOKUP_ENTRIES = 64

#: Time of one unit of selected-inversion work (a term of ``Σ |I_j|²``, Python vectorised per
#: column) in units of triangular-solve work (SuperLU, in C); measured on a 2-core machine,
#: it only decides how the standard deviations are computed, not what they are.
SELECTED_INVERSION_COST = 2.3

#: Relative tolerance of the balance of the exact (σ = 0) values.
EXACT_TOLERANCE = 1e-9


class NegativeFlowError(ReconciliationError):
    """No reconciliation of the flow network keeps every flow at or above its lower bound."""


# --------------------------------------------------------------------------------------------
# The graph


def is_flow_network(problem: BalanceProblem) -> bool:
    """Whether ``problem`` is a linear flow network that :func:`reconcile_network` can solve.

    Parameters
    ----------
    problem : BalanceProblem
        Any balance problem.

    Returns
    -------
    bool
        True when the problem has no bilinear terms and every column of its matrix holds at
        most one ``+1``, at most one ``−1`` and nothing else (the incidence matrix of a
        directed graph whose missing ends are the outside). The constant part may be anything.
    """
    if not problem.is_linear:
        return False
    matrix = _columns(problem)
    data = matrix.data
    if not np.all((data == 1.0) | (data == -1.0)):
        return False
    column = np.repeat(np.arange(problem.n_variables), np.diff(matrix.indptr))
    into = np.bincount(column[data > 0], minlength=problem.n_variables)
    out_of = np.bincount(column[data < 0], minlength=problem.n_variables)
    return bool(np.all(into <= 1) and np.all(out_of <= 1))


def _columns(problem: BalanceProblem) -> scipy.sparse.csc_array:
    """The matrix by columns, duplicates summed and zeros removed (the problem is untouched)."""
    matrix = scipy.sparse.csc_array(problem.matrix, copy=True)
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return matrix


def _flow_ends(problem: BalanceProblem) -> tuple[np.ndarray, np.ndarray]:
    """``(tail, head)`` of every variable: the process it leaves and the one it enters, the
    outside being node ``problem.n_equations``."""
    matrix = _columns(problem)
    outside = problem.n_equations
    column = np.repeat(np.arange(problem.n_variables), np.diff(matrix.indptr))
    tail = np.full(problem.n_variables, outside, dtype=np.int64)
    head = np.full(problem.n_variables, outside, dtype=np.int64)
    head[column[matrix.data > 0]] = matrix.indices[matrix.data > 0]
    tail[column[matrix.data < 0]] = matrix.indices[matrix.data < 0]
    return tail, head


def _components(n_nodes: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Label of the connected part of every node, the edges ``first[i]``–``second[i]`` taken
    as undirected (the labelling a union-find over the edges would give)."""
    graph = scipy.sparse.csr_array((np.ones(len(first)), (first, second)), shape=(n_nodes, n_nodes))
    _, labels = scipy.sparse.csgraph.connected_components(graph, directed=False)
    return labels


def _bridges(n_nodes: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Which edges are bridges of the undirected multigraph they form (Tarjan 1974).

    Iterative depth-first search keyed by edge, so that parallel edges (a pair of flows between
    the same two processes) are a cycle and neither of them is a bridge; a self-loop never is.
    """
    n_edges = len(first)
    is_bridge = np.zeros(n_edges, dtype=bool)
    loop = first == second
    edge = np.flatnonzero(~loop)
    ends = np.concatenate([first[edge], second[edge]])
    others = np.concatenate([second[edge], first[edge]])
    edge_ids = np.concatenate([edge, edge])
    order = np.argsort(ends, kind="stable")
    start_of = np.searchsorted(ends[order], np.arange(n_nodes + 1)).tolist()
    neighbour = others[order].tolist()
    through = edge_ids[order].tolist()

    discovered = [-1] * n_nodes
    lowest = [0] * n_nodes
    cursor = start_of[:-1]
    counter = 0
    result = is_bridge.tolist()
    for root in np.unique(ends).tolist():
        if discovered[root] >= 0:
            continue
        discovered[root] = lowest[root] = counter
        counter += 1
        stack = [(root, -1)]
        while stack:
            node, arrived_by = stack[-1]
            position = cursor[node]
            if position < start_of[node + 1]:
                cursor[node] = position + 1
                edge_id = through[position]
                if edge_id == arrived_by:
                    continue
                other = neighbour[position]
                if discovered[other] < 0:
                    discovered[other] = lowest[other] = counter
                    counter += 1
                    stack.append((other, edge_id))
                elif discovered[other] < lowest[node]:
                    lowest[node] = discovered[other]
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    if lowest[node] < lowest[parent]:
                        lowest[parent] = lowest[node]
                    if lowest[node] > discovered[parent]:
                        result[arrived_by] = True
    return np.array(result, dtype=bool)


@dataclass(frozen=True)
class _Classification:
    """The graph of a flow network and what contracting its unmeasured flows says."""

    tail: np.ndarray  # per variable: node it leaves (outside = n_nodes)
    head: np.ndarray  # per variable: node it enters
    n_nodes: int  # processes (equations); the outside is node n_nodes
    merged: np.ndarray  # per node, outside included: its node after contraction
    redundant: np.ndarray  # per variable: measured, ends in different merged nodes
    observable: np.ndarray  # per variable: unmeasured and a bridge of the unmeasured flows
    measured: np.ndarray

    @property
    def outside(self) -> int:
        return self.n_nodes

    def status(self) -> tuple[str, ...]:
        status = np.where(
            self.measured,
            np.where(self.redundant, REDUNDANT, NON_REDUNDANT),
            np.where(self.observable, OBSERVABLE, UNOBSERVABLE),
        )
        return tuple(str(item) for item in status)


def _classification(
    problem: BalanceProblem, plain: _Classification | None = None
) -> _Classification:
    """Contract the unmeasured flows of ``problem``, find the bridges among them.

    ``plain``: the classification of the same network with more variables unmeasured, all of
    them observable (flows held at their bound); its ends and bridges are reused, since
    measuring a bridge leaves every cycle of unmeasured flows a cycle and every other bridge a
    bridge.
    """
    tail, head = _flow_ends(problem) if plain is None else (plain.tail, plain.head)
    n_nodes = problem.n_equations
    measured = problem.is_measured
    unknown = np.flatnonzero(~measured)
    merged = _components(n_nodes + 1, tail[unknown], head[unknown])
    redundant = measured & (merged[tail] != merged[head])
    if plain is None:
        observable = np.zeros(problem.n_variables, dtype=bool)
        observable[unknown] = _bridges(n_nodes + 1, tail[unknown], head[unknown])
    else:
        observable = ~measured & plain.observable
    return _Classification(tail, head, n_nodes, merged, redundant, observable, measured)


def classify_network(problem: BalanceProblem) -> tuple[str, ...]:
    """Status of every variable of a flow network by the graph rules, without reconciling.

    Parameters
    ----------
    problem : BalanceProblem
        A flow network (:func:`is_flow_network`).

    Returns
    -------
    tuple of str
        ``redundant`` / ``non-redundant`` for a measured variable, ``observable`` /
        ``unobservable`` for an unknown one, as :func:`reconcile_network` reports them.

    References
    ----------
    Mah, Stanley & Downing (1976); Narasimhan & Jordache (2000), ch. 3; Tarjan (1974).
    """
    _require_flow_network(problem)
    return _classification(problem).status()


def _require_flow_network(problem: BalanceProblem) -> None:
    if not is_flow_network(problem):
        raise ValueError(
            "the problem is not a plain flow network (it has bilinear terms, or a column with "
            "an entry other than one +1 and one −1): use "
            "cleanprod.core.balance.reconcile.reconcile"
        )


# --------------------------------------------------------------------------------------------
# The redundancy equations and their factorisation


@dataclass(frozen=True)
class _Redundancy:
    """The redundancy equations ``B x + d = 0`` between merged nodes, reconciled."""

    flows: np.ndarray  # the free (σ > 0) redundant measured variables, in order
    incidence: scipy.sparse.csc_array  # B: reduced merged node × flow
    row_of_merged: np.ndarray  # row of B of each merged node; −1 for a dropped one
    variance: np.ndarray  # σ² of each flow
    laplacian: scipy.sparse.csc_array  # B Q Bᵀ
    factor: scipy.sparse.linalg.SuperLU | None  # of B Q Bᵀ; None when B has no row
    misfit: np.ndarray  # B x̃ + d
    multiplier: np.ndarray  # λ = (B Q Bᵀ)⁻¹ (B x̃ + d)

    @property
    def dof(self) -> int:
        return self.incidence.shape[0]


def _node_constants(problem: BalanceProblem, exact: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What each process balance holds apart from the free variables: its constant plus the
    exact (σ = 0) measured flows, and the sum of the magnitudes of those terms (for the
    tolerance of their balance)."""
    columns = np.flatnonzero(exact)
    part = problem.matrix[:, columns]
    value = problem.measured_value[columns]
    constant = problem.constant + part @ value
    magnitude = np.abs(problem.constant) + abs(part) @ np.abs(value)
    return constant, magnitude


def _redundancy(problem: BalanceProblem, graph: _Classification) -> _Redundancy:
    merged = graph.merged
    n_merged = int(merged.max()) + 1
    exact = graph.measured & (problem.measured_sd == 0.0)
    flows = np.flatnonzero(graph.redundant & ~exact)
    start, end = merged[graph.tail[flows]], merged[graph.head[flows]]

    # Drop one merged node per connected part of the graph of these flows: the outside's in its
    # part (it has no balance), the first one elsewhere.
    part = _components(n_merged, start, end)
    _, first_of_part = np.unique(part, return_index=True)
    dropped = np.zeros(n_merged, dtype=bool)
    dropped[first_of_part] = True
    outside = merged[graph.outside]
    dropped[part == part[outside]] = False
    dropped[outside] = True
    row_of_merged = np.full(n_merged, -1, dtype=np.int64)
    row_of_merged[~dropped] = np.arange(int((~dropped).sum()))

    constant, magnitude = _node_constants(problem, exact)
    merged_constant = np.bincount(merged[:-1], constant, minlength=n_merged)
    _check_exact_balance(problem, graph, part, outside, merged_constant, magnitude)

    rows = np.concatenate([row_of_merged[end], row_of_merged[start]])
    signs = np.concatenate([np.ones(len(flows)), -np.ones(len(flows))])
    columns = np.concatenate([np.arange(len(flows))] * 2)
    kept = rows >= 0
    n_rows = int((~dropped).sum())
    incidence = scipy.sparse.csc_array(
        (signs[kept], (rows[kept], columns[kept])), shape=(n_rows, len(flows))
    )
    variance = problem.measured_sd[flows] ** 2
    misfit = incidence @ problem.measured_value[flows] + merged_constant[~dropped]
    laplacian = scipy.sparse.csc_array(incidence @ scipy.sparse.diags_array(variance) @ incidence.T)
    if n_rows == 0:
        return _Redundancy(
            flows, incidence, row_of_merged, variance, laplacian, None, misfit, np.zeros(0)
        )
    factor = _factorise(laplacian)
    multiplier = factor.solve(misfit)
    return _Redundancy(
        flows, incidence, row_of_merged, variance, laplacian, factor, misfit, multiplier
    )


def _check_exact_balance(
    problem: BalanceProblem,
    graph: _Classification,
    part: np.ndarray,
    outside: int,
    merged_constant: np.ndarray,
    magnitude: np.ndarray,
) -> None:
    """The exact values (and constants) of a part of the network that no adjustable flow
    joins to the outside must balance by themselves."""
    total = np.bincount(part, merged_constant)
    scale = np.bincount(part, np.bincount(graph.merged[:-1], magnitude, minlength=len(part)))
    off = np.abs(total) > EXACT_TOLERANCE * np.maximum(scale, np.finfo(float).tiny)
    off[part[outside]] = False
    if not off.any():
        return
    first_part = int(np.flatnonzero(off)[0])
    processes = np.flatnonzero(part[graph.merged[:-1]] == first_part)
    names = ", ".join(problem.equations[index] for index in processes[:5])
    more = f" and {len(processes) - 5} more" if len(processes) > 5 else ""
    raise ReconciliationError(
        f"the values taken as exact (standard deviation 0) do not balance at {names}{more}: "
        f"they leave {total[first_part]:.6g} over, and no measured flow with an uncertainty "
        "can take it up; give those values a standard deviation or correct them"
    )


# --------------------------------------------------------------------------------------------
# Selected inversion


@dataclass(frozen=True)
class _Factorisation:
    """``P A Pᵀ = L D Lᵀ`` of a symmetric positive definite ``A`` whose pattern may carry extra
    explicit zeros, with the closed pattern of ``L`` (by columns, diagonal first; None when the
    factorisation did not pivot symmetrically)."""

    factor: scipy.sparse.linalg.SuperLU
    size: int
    indptr: np.ndarray | None
    indices: np.ndarray | None

    @property
    def position(self) -> np.ndarray:
        """Row ``i`` of ``A`` is row ``position[i]`` of ``P A Pᵀ``."""
        return self.factor.perm_c

    @property
    def keys(self) -> np.ndarray | None:
        """``column · size + row`` of every entry of the pattern, ascending."""
        if self.indptr is None:
            return None
        column = np.repeat(np.arange(self.size, dtype=np.int64), np.diff(self.indptr))
        return column * self.size + self.indices

    @property
    def inversion_work(self) -> float:
        """``Σ |I_j|²`` over the columns: the work of selected inversion on this pattern."""
        if self.indptr is None:
            return np.inf
        below = np.diff(self.indptr).astype(float) - 1.0
        return float(below @ below)


def _factorisation(
    matrix: scipy.sparse.csc_array, wanted: tuple[np.ndarray, np.ndarray] | None = None
) -> _Factorisation:
    """Factorise ``matrix`` with the entry pairs ``wanted`` added to its pattern as explicit
    zeros, so that the ordering and the pattern of ``L`` account for them."""
    size = matrix.shape[0]
    pattern = scipy.sparse.coo_array(matrix)
    first, second = wanted if wanted is not None else (np.zeros(0, int), np.zeros(0, int))
    rows = np.concatenate([pattern.row, first, second])
    columns = np.concatenate([pattern.col, second, first])
    entries = np.concatenate([pattern.data, np.zeros(2 * len(first))])
    factor = _factorise(scipy.sparse.csc_array((entries, (rows, columns)), shape=(size, size)))
    if not np.array_equal(factor.perm_r, factor.perm_c):
        return _Factorisation(factor, size, None, None)  # every entry by solving
    position = factor.perm_c
    below = position[rows] > position[columns]
    indptr, indices = _factor_pattern(size, position[rows[below]], position[columns[below]])
    return _Factorisation(factor, size, indptr, indices)


def _selected_inverse(
    matrix: scipy.sparse.csc_array, vectors: scipy.sparse.csc_array
) -> _SelectedInverse:
    """The selected inverse of ``matrix`` that gives ``diag(Vᵀ A⁻¹ V)`` for the columns of
    ``vectors`` soonest.

    A column whose pairs of entries are not all on the pattern of the plain factor is either
    solved for (about ``2 nnz(L)`` per column) or has its pairs added to the pattern, which
    widens the factor (the selected inversion's work grows by the change of ``Σ |I_j|²``).
    In a long and narrow network the widening costs little; in a network where flows join
    distant processes it can fill the factor in, and solving is cheaper.
    """
    plain = _factorisation(matrix)
    if plain.indices is None:
        return _SelectedInverse(plain)
    missing = _missing_entries(plain, _tidy(vectors))
    if missing.any():
        # Every column's pairs, not only the missing ones: the new ordering differs.
        widened = _factorisation(matrix, _wanted_entries(vectors))
        solving = 2.0 * len(plain.indices) * int(missing.sum())
        widening = SELECTED_INVERSION_COST * (widened.inversion_work - plain.inversion_work)
        if widening <= solving:
            return _SelectedInverse(widened)
    return _SelectedInverse(plain)


def _missing_entries(factorisation: _Factorisation, vectors: scipy.sparse.csc_array) -> np.ndarray:
    """Which columns of ``vectors`` need an entry of the inverse off the factor's pattern."""
    counts = np.diff(vectors.indptr)
    if factorisation.indptr is None:
        return counts > 0
    skip = counts > MOST_LOOKUP_ENTRIES
    _, _, pair_column, key = _pair_keys(factorisation, vectors, skip)
    keys = factorisation.keys
    where = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
    missing = np.zeros(vectors.shape[1], dtype=bool)
    missing[pair_column[keys[where] != key]] = True
    return missing & ~skip


def _pair_keys(
    factorisation: _Factorisation, vectors: scipy.sparse.csc_array, skip: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every ordered pair of entries in the same column of ``vectors`` (columns not skipped):
    the positions of the two entries, the column, and the key of the entry of the inverse it
    needs in the factor's order."""
    first, second, pair_column = _pairs_within_columns(vectors, skip)
    row = factorisation.position[vectors.indices]
    low = np.minimum(row[first], row[second]).astype(np.int64)
    high = np.maximum(row[first], row[second]).astype(np.int64)
    return first, second, pair_column, low * factorisation.size + high


class _SelectedInverse:
    """Entries of ``A⁻¹`` on the pattern of the factor ``L`` of ``P A Pᵀ = L D Lᵀ``, from ``L``
    and ``D`` (Takahashi et al. 1973); any other entry, by solving with the factor."""

    def __init__(self, factorisation: _Factorisation):
        self.factorisation = factorisation
        self.factor = factorisation.factor
        self.size = factorisation.size
        self.position = factorisation.position
        self.keys: np.ndarray | None = None
        self.values: np.ndarray | None = None
        keys = factorisation.keys
        if keys is None:
            return
        # SuperLU's L (exactly zero entries left out) placed on the closed pattern.
        lower = scipy.sparse.coo_array(self.factor.L)
        lower_keys = lower.col.astype(np.int64) * self.size + lower.row
        found = np.minimum(np.searchsorted(keys, lower_keys), len(keys) - 1)
        if not np.array_equal(keys[found], lower_keys):
            return
        factor_values = np.zeros(len(keys))
        factor_values[found] = lower.data
        values = _takahashi(
            factorisation.indptr, factorisation.indices, factor_values, self.factor.U.diagonal()
        )
        if values is not None:
            self.keys, self.values = keys, values

    def quadratic_forms(self, vectors: scipy.sparse.csc_array) -> np.ndarray:
        """``diag(Vᵀ A⁻¹ V)`` for the columns of a sparse ``V``."""
        vectors = _tidy(vectors)
        n_vectors = vectors.shape[1]
        result = np.zeros(n_vectors)
        counts = np.diff(vectors.indptr)
        solve = counts > MOST_LOOKUP_ENTRIES
        if self.values is None:
            solve[:] = counts > 0
        else:
            looked_up = self._look_up(vectors, solve)
            solve |= np.isnan(looked_up)
            result[~solve] = looked_up[~solve]
        unresolved = np.flatnonzero(solve)
        for begin in range(0, len(unresolved), SOLVE_BLOCK):
            chunk = unresolved[begin : begin + SOLVE_BLOCK]
            dense = vectors[:, chunk].toarray()
            result[chunk] = np.einsum("ij,ij->j", dense, self.factor.solve(dense))
        return result

    def _look_up(self, vectors: scipy.sparse.csc_array, skip: np.ndarray) -> np.ndarray:
        """``vᵀ A⁻¹ v`` from the selected entries; NaN where one is not on the pattern."""
        first, second, pair_column, key = _pair_keys(self.factorisation, vectors, skip)
        where = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        found = self.keys[where] == key
        terms = vectors.data[first] * vectors.data[second] * self.values[where]
        result = np.bincount(pair_column[found], terms[found], minlength=vectors.shape[1])
        result = result.astype(float)
        result[np.unique(pair_column[~found])] = np.nan
        return result


def _factorise(matrix: scipy.sparse.csc_array) -> scipy.sparse.linalg.SuperLU:
    """``P A Pᵀ = L D Lᵀ`` of a symmetric positive definite ``A``: sparse LU with a minimum
    degree ordering of ``A + Aᵀ`` and the diagonal as pivots (a sparse Cholesky factorisation,
    ``U = D Lᵀ``)."""
    return scipy.sparse.linalg.splu(
        matrix,
        permc_spec="MMD_AT_PLUS_A",
        diag_pivot_thresh=0.0,
        options={"SymmetricMode": True},
    )


def _tidy(vectors: scipy.sparse.sparray) -> scipy.sparse.csc_array:
    """A copy by columns with duplicates summed, zeros removed and rows sorted."""
    vectors = scipy.sparse.csc_array(vectors, copy=True)
    vectors.sum_duplicates()
    vectors.eliminate_zeros()
    vectors.sort_indices()
    return vectors


def _pairs_within_columns(
    vectors: scipy.sparse.csc_array, skip: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every ordered pair of entries in the same column, for the columns not skipped: the
    positions of the two entries in ``vectors.data`` and the column."""
    counts = np.where(skip, 0, np.diff(vectors.indptr))
    entry_column = np.repeat(np.arange(len(counts)), np.diff(vectors.indptr))
    entry_index = np.flatnonzero(~skip[entry_column])
    entry_column = entry_column[entry_index]
    group = counts[entry_column]
    within = np.arange(int(group.sum())) - np.repeat(np.cumsum(group) - group, group)
    first = np.repeat(entry_index, group)
    second = np.repeat(vectors.indptr[entry_column], group) + within
    return first, second, np.repeat(entry_column, group)


def _wanted_entries(vectors: scipy.sparse.csc_array) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs of rows ``(i, j)``, ``i < j``, that share a column of ``vectors``
    (the entries of the inverse their quadratic forms need), for columns short enough to be
    looked up."""
    vectors = _tidy(vectors)
    skip = np.diff(vectors.indptr) > MOST_LOOKUP_ENTRIES
    first, second, _ = _pairs_within_columns(vectors, skip)
    low, high = vectors.indices[first], vectors.indices[second]
    keep = low < high
    pairs = np.unique(np.stack([low[keep], high[keep]]), axis=1)
    return pairs[0], pairs[1]


def _factor_pattern(
    size: int, rows: np.ndarray, columns: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pattern of the Cholesky factor of a symmetric matrix of the given strictly lower
    entries (``rows > columns``, in elimination order), diagonal first in each column.

    Column ``j`` holds the rows of the matrix below ``j`` and, from every column whose first
    row below the diagonal (its parent in the elimination tree) is ``j``, the rest of its
    rows. Such a pattern is closed: the rows of a column form a clique in the later columns.
    """
    lower = scipy.sparse.csc_array((np.ones(len(rows)), (rows, columns)), shape=(size, size))
    lower.sum_duplicates()
    lower.sort_indices()
    indptr, indices = lower.indptr, lower.indices
    inherited: list[list[np.ndarray]] = [[] for _ in range(size)]
    structure: list[np.ndarray] = []
    for column in range(size):
        own = indices[indptr[column] : indptr[column + 1]]
        if inherited[column]:
            rows_below = np.unique(np.concatenate([own, *inherited[column]]))
            inherited[column] = []
        else:
            rows_below = own
        structure.append(rows_below)
        if len(rows_below) > 1:
            inherited[rows_below[0]].append(rows_below[1:])
    counts = np.array([len(item) + 1 for item in structure], dtype=np.int64)
    pattern_indptr = np.concatenate([[0], np.cumsum(counts)])
    pattern_indices = np.concatenate(
        [np.concatenate([[column], item]) for column, item in enumerate(structure)]
        or [np.zeros(0, dtype=np.int64)]
    ).astype(np.int64)
    return pattern_indptr, pattern_indices


def _takahashi(
    indptr: np.ndarray, indices: np.ndarray, factor_values: np.ndarray, pivots: np.ndarray
) -> np.ndarray | None:
    """Entries of ``(L D Lᵀ)⁻¹`` on the pattern of ``L`` (unit lower triangular, by columns,
    diagonal first, rows sorted), in the order of ``factor_values``.

    Column ``j`` from the last: with ``I`` the rows below the diagonal in column ``j``,
    ``Z[I, j] = −Z[I, I] L[I, j]`` and ``Z[j, j] = 1/D[j] − L[I, j]ᵀ Z[I, j]``; ``Z[I, I]`` lies on
    the pattern because the pattern is closed. Returns None if it is not (the caller then
    solves instead).
    """
    size = len(indptr) - 1
    if size and not np.array_equal(indices[indptr[:-1]], np.arange(size)):
        return None
    inverse = np.zeros_like(factor_values)
    local = np.full(size, -1, dtype=np.int64)
    for column in range(size - 1, -1, -1):
        start, end = indptr[column], indptr[column + 1]
        if end - start == 1:
            inverse[start] = 1.0 / pivots[column]
            continue
        rows = indices[start + 1 : end]
        entries = factor_values[start + 1 : end]
        count = len(rows)
        # Gather Z[I, I] (lower half) from the columns of I already done.
        first = indptr[rows]
        lengths = indptr[rows + 1] - first
        shift = np.repeat(first - (np.cumsum(lengths) - lengths), lengths)
        positions = np.arange(int(lengths.sum())) + shift
        owner = np.repeat(np.arange(count), lengths)
        local[rows] = np.arange(count)
        where = local[indices[positions]]
        local[rows] = -1
        inside = where >= 0
        owner, where, values = owner[inside], where[inside], inverse[positions[inside]]
        if len(where) != count * (count + 1) // 2:
            return None
        product = np.bincount(where, values * entries[owner], minlength=count)
        off_diagonal = where != owner
        product += np.bincount(
            owner[off_diagonal],
            values[off_diagonal] * entries[where[off_diagonal]],
            minlength=count,
        )
        inverse[start + 1 : end] = -product
        inverse[start] = 1.0 / pivots[column] + entries @ product
    return inverse


# --------------------------------------------------------------------------------------------
# The unknowns: the tree of bridges of every merged node


@dataclass(frozen=True)
class _BridgeTree:
    """The observable unknowns as the edges of a forest of blocks (parts joined by unmeasured
    flows on cycles), one tree per merged node, rooted at the outside where it belongs."""

    bridges: np.ndarray  # the observable variables
    below: scipy.sparse.csr_array  # block × bridge: 1 if the block is on the far side
    block: np.ndarray  # per node (outside last): its block
    sign: np.ndarray  # per bridge: −1 if the flow enters its far side, +1 if it leaves it


def _bridge_tree(graph: _Classification) -> _BridgeTree:
    unknown = ~graph.measured
    on_cycle = np.flatnonzero(unknown & ~graph.observable)
    bridges = np.flatnonzero(graph.observable)
    n_all = graph.n_nodes + 1
    block = _components(n_all, graph.tail[on_cycle], graph.head[on_cycle])
    n_blocks = int(block.max()) + 1
    tail_block, head_block = block[graph.tail[bridges]], block[graph.head[bridges]]

    # Root of every merged node's tree: the outside's block, or the block of its first node.
    _, first_node = np.unique(graph.merged, return_index=True)
    roots = block[first_node]
    roots[graph.merged[graph.outside]] = block[graph.outside]
    top = n_blocks  # a virtual node above every root
    first = np.concatenate([tail_block, np.full(len(roots), top)])
    second = np.concatenate([head_block, roots])
    forest = scipy.sparse.csr_array(
        (np.ones(len(first)), (first, second)), shape=(n_blocks + 1, n_blocks + 1)
    )
    order, parent = scipy.sparse.csgraph.breadth_first_order(
        forest, top, directed=False, return_predecessors=True
    )

    # The bridge that joins each block to its parent.
    pair = np.minimum(tail_block, head_block) * (n_blocks + 1) + np.maximum(tail_block, head_block)
    sorter = np.argsort(pair)
    order = order[1:]
    child = order[parent[order] != top]
    key = np.minimum(child, parent[child]) * (n_blocks + 1) + np.maximum(child, parent[child])
    bridge_of_block = np.full(n_blocks, -1, dtype=np.int64)
    bridge_of_block[child] = sorter[np.searchsorted(pair, key, sorter=sorter)]

    # Blocks below each bridge: a block lies below the bridges on its path to the root.
    path: list[list[int]] = [[] for _ in range(n_blocks)]
    parent_list = parent.tolist()
    bridge_list = bridge_of_block.tolist()
    for node in order.tolist():
        above = parent_list[node]
        if above != top:
            path[node] = [*path[above], bridge_list[node]]
    lengths = np.array([len(item) for item in path], dtype=np.int64)
    columns = np.fromiter(
        (bridge for item in path for bridge in item), dtype=np.int64, count=int(lengths.sum())
    )
    below = scipy.sparse.csr_array(
        (np.ones(len(columns)), (np.repeat(np.arange(n_blocks), lengths), columns)),
        shape=(n_blocks, len(bridges)),
    )
    far_side = np.zeros(len(bridges), dtype=np.int64)
    far_side[bridge_of_block[child]] = child
    sign = np.where(head_block == far_side, -1.0, 1.0)
    return _BridgeTree(bridges, below, block, sign)


def _block_rows(tree: _BridgeTree, graph: _Classification) -> scipy.sparse.csr_array:
    """Block × process: 1 where the process belongs to the block."""
    n_blocks = tree.below.shape[0]
    return scipy.sparse.csr_array(
        (np.ones(graph.n_nodes), (tree.block[:-1], np.arange(graph.n_nodes))),
        shape=(n_blocks, graph.n_nodes),
    )


# --------------------------------------------------------------------------------------------
# One linear step, and the flows held at their bound


@dataclass(frozen=True)
class _Step:
    """The linear reconciliation of ``problem`` with the variables of ``held`` taken as exact
    values at their lower bound."""

    problem: BalanceProblem  # the problem with the held variables made exact
    held: np.ndarray
    graph: _Classification
    redundancy: _Redundancy
    tree: _BridgeTree
    value: np.ndarray
    adjustment: np.ndarray  # of redundancy.flows

    @property
    def determined(self) -> np.ndarray:
        return self.graph.measured | self.graph.observable


def _linear_step(
    problem: BalanceProblem, held: np.ndarray, plain: _Classification | None = None
) -> _Step:
    """Reconcile with ``held`` at their bound; ``plain``: the classification without them."""
    if held.any():
        problem = replace(
            problem,
            measured_value=np.where(held, problem.lower, problem.measured_value),
            measured_sd=np.where(held, 0.0, problem.measured_sd),
        )
    graph = _classification(problem, plain)
    redundancy = _redundancy(problem, graph)
    tree = _bridge_tree(graph)
    value = problem.measured_value.copy()
    if redundancy.dof:
        adjustment = -redundancy.variance * (redundancy.incidence.T @ redundancy.multiplier)
        value[redundancy.flows] += adjustment
    else:
        adjustment = np.zeros(len(redundancy.flows))
    value[tree.bridges] = _estimates(problem, graph, tree, value)
    return _Step(problem, held, graph, redundancy, tree, value, adjustment)


def _estimates(
    problem: BalanceProblem, graph: _Classification, tree: _BridgeTree, value: np.ndarray
) -> np.ndarray:
    """Each observable flow from the balance of the far side of its bridge:
    ``s·y + Σ (constant + measured flows in) over the far side = 0``."""
    measured = np.flatnonzero(graph.measured)
    inflow = problem.constant + problem.matrix[:, measured] @ value[measured]
    block_inflow = _block_rows(tree, graph) @ inflow
    far_side_inflow = tree.below.T @ block_inflow
    return tree.sign * far_side_inflow


def _bound_multipliers(original: BalanceProblem, step: _Step) -> np.ndarray:
    """Multiplier ``μ`` of the bound of every held variable (0 elsewhere); the bound is rightly
    held where ``μ ≥ 0``.

    From the stationarity of ``½ Σ ((v − x̃)/σ)² + νᵀ(A v + b) − μᵀ(v − lower)``:
    ``μᵢ = (vᵢ − x̃ᵢ)/σᵢ² + ν(head) − ν(tail)``, the first term for a measured variable only;
    ``ν`` is constant over a merged node, where it equals the multiplier ``λ`` of its
    redundancy equation, and 0 at the outside.
    """
    graph, redundancy = step.graph, step.redundancy
    row = redundancy.row_of_merged[graph.merged]
    node_multiplier = np.zeros(len(row))
    if redundancy.dof:
        node_multiplier[row >= 0] = redundancy.multiplier[row[row >= 0]]
    multiplier = node_multiplier[graph.head] - node_multiplier[graph.tail]
    measured = original.is_measured & (original.measured_sd > 0)
    pull = np.zeros(original.n_variables)
    pull[measured] = (step.value[measured] - original.measured_value[measured]) / (
        original.measured_sd[measured] ** 2
    )
    return np.where(step.held, multiplier + pull, 0.0)


def _hold_at_bounds(problem: BalanceProblem) -> tuple[_Step, int]:
    """Solve, holding at their bound the variables the plain solution would put below it.

    A primal–dual active set: hold every determined variable that falls below its bound,
    release every held one whose bound multiplier is negative, repeat. It stops only at a point
    that meets every optimality condition of the bounded problem (each value at or above its
    bound, each held bound pulling the right way), which is then the bounded weighted
    least-squares solution. If a round repeats an earlier set, one variable changes per round
    from then on. Returns the last step and the number of linear solves.
    """
    exact = problem.is_measured & (problem.measured_sd == 0.0)
    slack = bound_slack(problem, problem.measured_value)
    if np.any(exact & (problem.measured_value < problem.lower - slack)):
        index = int(np.flatnonzero(exact & (problem.measured_value < problem.lower - slack))[0])
        raise ReconciliationError(
            f"{problem.names[index]} is taken as exact (standard deviation 0) at "
            f"{problem.measured_value[index]:.6g}, below its lower bound "
            f"{problem.lower[index]:.6g}; correct it or give it a standard deviation"
        )
    held = np.zeros(problem.n_variables, dtype=bool)
    step = _linear_step(problem, held)
    plain = step.graph
    seen = {held.tobytes()}
    one_at_a_time = False
    solves = 1
    for _ in range(MOST_ACTIVE_SET_ROUNDS):
        slack = bound_slack(problem, step.value)
        shortfall = np.where(
            step.determined & ~held & ~exact, (problem.lower - slack) - step.value, 0.0
        )
        violating = shortfall > 0
        multiplier = _bound_multipliers(problem, step)
        scale = max(
            np.abs(multiplier).max(initial=0.0),
            np.abs(step.redundancy.multiplier).max(initial=0.0),
            np.finfo(float).tiny,
        )
        releasing = held & (multiplier < -MULTIPLIER_TOLERANCE * scale)
        if not violating.any() and not releasing.any():
            return step, solves
        if one_at_a_time:
            violating, releasing = _worst(violating, shortfall), _worst(releasing, -multiplier)
            if violating.any():
                releasing[:] = False
        proposal = (held & ~releasing) | violating
        solves += 1
        try:
            step = _linear_step(problem, proposal, plain)
        except ReconciliationError:
            # Holding them all at once left exact values that cannot balance; take the worst
            # one alone.
            proposal = (held & ~releasing) | _worst(violating, shortfall)
            try:
                step = _linear_step(problem, proposal, plain)
            except ReconciliationError as error:
                raise NegativeFlowError(
                    "no reconciliation keeps every flow at or above its lower bound: the "
                    f"measurements contradict the balance too strongly ({error})"
                ) from error
        held = proposal
        if held.tobytes() in seen:
            one_at_a_time = True
        seen.add(held.tobytes())
    raise NegativeFlowError(
        f"the flows to hold at their lower bound were not settled in {MOST_ACTIVE_SET_ROUNDS} "
        "rounds; check the measurements of the flows that come out negative for gross errors "
        "(serial elimination), or measure the unknown flows there"
    )


def _worst(mask: np.ndarray, badness: np.ndarray) -> np.ndarray:
    """Only the element of ``mask`` with the largest ``badness``."""
    single = np.zeros_like(mask)
    if mask.any():
        single[np.flatnonzero(mask)[np.argmax(badness[mask])]] = True
    return single


# --------------------------------------------------------------------------------------------
# The solver


def reconcile_network(
    problem: BalanceProblem,
    confidence: float = 0.95,
    standard_deviations: bool = True,
) -> Reconciliation:
    """Reconcile a large linear flow network with sparse graph methods.

    Gives what :func:`cleanprod.core.balance.reconcile.reconcile` gives for the same problem
    (values, standard deviations, statuses, measurement tests, global test, flows held at
    their bound) without any dense matrix of the size of the network.

    Parameters
    ----------
    problem : BalanceProblem
        A flow network (:func:`is_flow_network`): measured values and their standard deviations
        [canonical unit of the layer, e.g. kg/a], lower bounds [same unit], balance equations
        with entries ±1 and a constant part [same unit].
    confidence : float
        Level of the global and measurement tests, 0 < confidence < 1.
    standard_deviations : bool
        Whether to compute the standard deviation of every adjusted or estimated value and the
        measurement tests. When False, ``sd`` holds the measured σ of a non-redundant value
        and 0 of an exact or held one, and NaN for every other reconciled or estimated value;
        ``test`` is NaN throughout. The values and the global test are the same either way.

    Returns
    -------
    Reconciliation
        With ``covariance`` None (it would be n × n); ``iterations`` is the number of linear
        solves: 1, more when flows had to be held at their bound.

    Raises
    ------
    ValueError
        The problem is not a flow network.
    ReconciliationError
        Values taken as exact (σ = 0) contradict each other where nothing can absorb it, or
        lie below their bound.
    NegativeFlowError
        No solution keeps every determined flow at or above its bound, or the flows to hold
        were not settled.

    Notes
    -----
    Measured values with σ = 0 are exact: constants of the balances, never adjusted, no
    χ² term, sd 0. The classification follows the graph rules of Mah, Stanley & Downing (1976)
    (see the module text); every step is linear in the number of flows except the
    factorisation of ``B Q Bᵀ`` and the selected inversion, whose cost is that of a sparse
    Cholesky factorisation of the network graph (close to linear for process networks, which
    are long and narrow).

    When the plain solution puts a determined flow below its lower bound (a negative flow), the
    bounded problem is solved by an active set (each round one linear solve as above): the
    flows held at their bound are exact values of the last round, so statuses, standard
    deviations and tests are those of the solution on its active set, as in the dense solver.
    A held unknown is reported observable and a held measurement redundant, with the distance
    of its measured value from the bound, in σ, as its test; χ² counts the held measurements,
    and ``dof`` grows by their number. Unobservable flows are never held (no balance sees
    them). The held variables are listed in ``at_bound``.

    References
    ----------
    Mah, Stanley & Downing (1976); Crowe et al. (1983); Narasimhan & Jordache (2000), ch. 3
    and 7; Takahashi, Fagan & Chen (1973); Erisman & Tinney (1975).
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence}")
    _require_flow_network(problem)
    step, solves = _hold_at_bounds(problem)
    graph, redundancy, tree, held = step.graph, step.redundancy, step.tree, step.held
    measured = problem.is_measured
    free = measured & (problem.measured_sd > 0)
    held_measured = held & free

    value = step.value.copy()
    value[~step.determined] = np.nan
    sd = np.where(graph.measured, step.problem.measured_sd, np.nan)
    sd[redundancy.flows] = np.nan
    test = np.full(problem.n_variables, np.nan)
    if standard_deviations:
        # var x̂ = σ² − σ⁴ bᵀZb per redundancy flow, var ŷ = aᵀQa − gᵀZg per estimate,
        # Z = (B Q Bᵀ)⁻¹.
        cut_variance, cut_vectors = _cut_vectors(step.problem, graph, tree, redundancy)
        removed = np.zeros(len(redundancy.flows))
        removed_from_estimates = np.zeros(len(tree.bridges))
        if redundancy.dof:
            inverse = _selected_inverse(redundancy.laplacian, cut_vectors)
            removed = redundancy.variance**2 * inverse.quadratic_forms(redundancy.incidence)
            removed_from_estimates = inverse.quadratic_forms(cut_vectors)
            # A bridge of the adjustable flows is fixed by its side's balance: its variance
            # is all removed, exactly (σ² − σ⁴R would leave rounding of order √ε σ in its sd).
            fixed = _fixed_flows(graph, redundancy)
            removed[fixed] = redundancy.variance[fixed]
        sd[redundancy.flows] = np.sqrt(np.clip(redundancy.variance - removed, 0.0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            test[redundancy.flows] = np.abs(step.adjustment) / np.sqrt(removed)
        sd[tree.bridges] = np.sqrt(np.clip(cut_variance - removed_from_estimates, 0.0, None))
        test[held_measured] = (
            np.abs(problem.measured_value[held_measured] - problem.lower[held_measured])
            / problem.measured_sd[held_measured]
        )

    if held.any():
        residual = (value[free] - problem.measured_value[free]) / problem.measured_sd[free]
        chi2 = float(residual @ residual)
    else:
        chi2 = float(redundancy.misfit @ redundancy.multiplier) if redundancy.dof else 0.0
    dof = redundancy.dof + int(held_measured.sum())
    if dof:
        critical = float(scipy.stats.chi2.ppf(confidence, dof))
        p_value = float(scipy.stats.chi2.sf(chi2, dof))
    else:
        critical, p_value = 0.0, 1.0
    status = np.array(graph.status(), dtype=object)
    status[held & ~measured] = OBSERVABLE
    status[held_measured] = REDUNDANT
    return Reconciliation(
        problem=problem,
        value=value,
        sd=sd,
        status=tuple(str(item) for item in status),
        test=test,
        chi2=chi2,
        dof=dof,
        critical=critical,
        p_value=p_value,
        consistent=bool(chi2 <= critical or dof == 0),
        confidence=confidence,
        at_bound=tuple(int(index) for index in np.flatnonzero(held)),
        covariance=None,
        iterations=solves,
    )


def _fixed_flows(graph: _Classification, redundancy: _Redundancy) -> np.ndarray:
    """Which redundancy flows are bridges of the graph they form between merged nodes: the
    balance of the side away from the dropped node fixes each of them, so that its reconciled
    variance is 0."""
    n_merged = len(redundancy.row_of_merged)
    start = graph.merged[graph.tail[redundancy.flows]]
    end = graph.merged[graph.head[redundancy.flows]]
    return _bridges(n_merged, start, end)


def _cut_vectors(
    problem: BalanceProblem,
    graph: _Classification,
    tree: _BridgeTree,
    redundancy: _Redundancy,
) -> tuple[np.ndarray, scipy.sparse.csc_array]:
    """For each observable flow ``y = −aᵀx̂ + const`` (``a``: the free measured flows across its
    cut, signed): ``aᵀ Q a`` and ``g = B Q a``, so that ``var y = aᵀ Q a − gᵀ (B Q Bᵀ)⁻¹ g``."""
    free = np.flatnonzero(graph.measured & (problem.measured_sd > 0))
    crossing = (_block_rows(tree, graph) @ problem.matrix[:, free]).T @ tree.below
    crossing = _tidy(crossing)
    variance = problem.measured_sd[free] ** 2
    total = np.asarray(crossing.multiply(crossing).T @ variance).ravel()
    # The rows of `crossing` that are redundancy flows, in the order of B's columns.
    selector = scipy.sparse.csr_array(
        (
            np.ones(len(redundancy.flows)),
            (np.arange(len(redundancy.flows)), np.searchsorted(free, redundancy.flows)),
        ),
        shape=(len(redundancy.flows), len(free)),
    )
    weighted = (
        redundancy.incidence @ scipy.sparse.diags_array(redundancy.variance) @ selector @ crossing
    )
    return total, _tidy(weighted)
