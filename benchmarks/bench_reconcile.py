"""How long reconciling a large flow network takes, against generic solvers of the same problem.

Run: .venv/bin/python benchmarks/bench_reconcile.py [--repeat N] [--sizes 1000 10000 100000]
                                                      [--window 6] [--seed S]

Synthetic networks (seeded): a long chain of processes fed from the outside, with side streams
(outside → one to three nearby processes → outside) and recycles between nearby processes, the
shape of a plant or an industrial park; true values balance by construction, 20 % of the flows
are unmeasured, 2 % of the measured ones exact, the others measured with σ of 1–5 % and normal
noise. ``--window`` is how far along the chain a side stream or a recycle reaches: a large one
(say 40000) makes a random, expander-like graph, whose sparse factor fills in much more.
For each size, in a fresh process:

- ``solve``: :func:`reconcile_network` without standard deviations (classification,
  reconciliation, unknowns, global test), median of ``--repeat`` runs;
- ``with sd``: the same with the standard deviation and measurement test of every flow; ``sd``
  is the difference;
- ``py MB``: peak of the memory Python and numpy allocate during one solve with sds
  (tracemalloc; SuperLU's own C allocations are not in it); ``rss MB``: peak resident size of
  the whole process once our runs are done (resource.getrusage ru_maxrss, the figure the
  2 GB target is checked against; it includes the interpreter and the problem);
- ``held``: flows the plain solution puts below zero, held at zero by the active set, and
  ``solves``: the linear solves (classification, factorisation, solve) this took;
- ``osqp``: the generic formulation of the same problem: the QP min Σ((x − x̃)/σ)² subject to
  every balance, every exact value and every lower bound, unknowns free (no weight), by OSQP
  (eps 1e-6, polished), set-up and solve; ``ours/osqp`` compares it with ``solve`` (OSQP gives
  no classification, no test and no sd);
- ``dense``: :func:`reconcile` (all sds, full covariance) where it is feasible (≤ 2000 flows).

Then the dense solver on a typical assessment (a synthetic one of at most 200 flows, and every
balance of the example assessments), once with the default BLAS threads and once with OpenBLAS
held to one thread (small dense problems run much slower with two BLAS threads when the other
core is busy), and each target of the issue with OK or MISSED.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import resource
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import osqp
import scipy.sparse
from timing import median_seconds

from cleanprod.core.balance.problem import OBSERVABLE, UNOBSERVABLE, BalanceProblem
from cleanprod.core.balance.reconcile import reconcile
from cleanprod.core.balance.sparse import reconcile_network

OUTSIDE = 0
WINDOW = 6  # how far (in processes along the chain) a side stream or a recycle reaches
DENSE_LIMIT = 2000
TYPICAL_FLOWS = 197  # the generator may add up to 3 flows to close its last cycle
EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.yaml"))

TARGET_TYPICAL_MS = 50.0
TARGET_SOLVE_S = 5.0
TARGET_MEMORY_MB = 2048.0
TARGET_SD_S = 30.0
#: "Near-linear": time × 10^1.2 ≈ 16 at most per tenfold size, judged per linear solve (the
#: active set needs more solves when more flows come out negative, a property of the data).
TARGET_GROWTH_EXPONENT = 1.2


def synthetic_network(
    n_flows: int, seed: int, window: int = WINDOW, unmeasured: float = 0.2
) -> BalanceProblem:
    """A connected flow network of about ``n_flows`` flows whose true values balance."""
    rng = np.random.default_rng(seed)
    n_processes = max(n_flows // 3, 2)
    sources: list[int] = []
    targets: list[int] = []
    amounts: list[float] = []

    def cycle(nodes: list[int], amount: float) -> None:
        sources.extend(nodes)
        targets.extend([*nodes[1:], nodes[0]])
        amounts.extend([amount] * len(nodes))

    cycle([OUTSIDE, *range(1, n_processes + 1)], 1000.0)
    while len(sources) < n_flows:
        start = int(rng.integers(1, n_processes + 1))
        if rng.random() < 0.5:
            steps = np.cumsum(rng.integers(1, window, int(rng.integers(0, 3))))
            path = [min(start + int(step), n_processes) for step in steps]
            cycle([OUTSIDE, *dict.fromkeys([start, *path])], float(rng.uniform(50, 500)))
        else:
            other = min(start + int(rng.integers(1, window)), n_processes)
            if other != start:
                cycle([start, other], float(rng.uniform(50, 500)))
    source, target = np.array(sources), np.array(targets)
    true_value = np.array(amounts)
    n = len(true_value)
    measured = rng.random(n) >= unmeasured
    sd = true_value * rng.uniform(0.01, 0.05, n)
    sd[measured & (rng.random(n) < 0.02)] = 0.0
    value = true_value + sd * rng.standard_normal(n)
    rows = np.concatenate([source - 1, target - 1])
    columns = np.concatenate([np.arange(n), np.arange(n)])
    entries = np.concatenate([-np.ones(n), np.ones(n)])
    inside = rows >= 0
    matrix = scipy.sparse.csr_array(
        (entries[inside], (rows[inside], columns[inside])), shape=(n_processes, n)
    )
    return BalanceProblem(
        names=tuple(f"flow-{index}" for index in range(n)),
        measured_value=np.where(measured, value, np.nan),
        measured_sd=np.where(measured, sd, np.nan),
        lower=np.zeros(n),
        matrix=matrix,
        constant=np.zeros(n_processes),
        equations=tuple(f"process-{index}" for index in range(1, n_processes + 1)),
    )


def osqp_matrix(matrix) -> scipy.sparse.csc_matrix:
    """A CSC matrix with the 32-bit indices OSQP takes."""
    matrix = scipy.sparse.csc_matrix(matrix)
    matrix.indices = matrix.indices.astype(np.int32)
    matrix.indptr = matrix.indptr.astype(np.int32)
    return matrix


def solve_with_osqp(problem: BalanceProblem) -> tuple[np.ndarray, str]:
    """The weighted least-squares reconciliation as a generic sparse QP: min Σ w (v − x̃)² over
    all variables (w = 1/σ² for a measured one, 0 for an unknown) subject to every balance,
    every exact value and every lower bound."""
    n = problem.n_variables
    measured = problem.is_measured
    free = measured & (problem.measured_sd > 0)
    exact = np.flatnonzero(measured & (problem.measured_sd == 0))
    weight = np.zeros(n)
    weight[free] = 1.0 / problem.measured_sd[free] ** 2
    hessian = scipy.sparse.diags_array(weight, format="csc")
    linear = np.zeros(n)
    linear[free] = -weight[free] * problem.measured_value[free]
    fixing = scipy.sparse.csr_array(
        (np.ones(len(exact)), (np.arange(len(exact)), exact)), shape=(len(exact), n)
    )
    identity = scipy.sparse.eye_array(n, format="csr")
    constraints = scipy.sparse.vstack([problem.matrix, fixing, identity])
    lower = np.concatenate([-problem.constant, problem.measured_value[exact], problem.lower])
    upper = np.concatenate([-problem.constant, problem.measured_value[exact], np.full(n, np.inf)])
    solver = osqp.OSQP()
    solver.setup(
        osqp_matrix(hessian),
        linear,
        osqp_matrix(constraints),
        lower,
        upper,
        verbose=False,
        eps_abs=1e-6,
        eps_rel=1e-6,
        eps_dual_inf=1e-14,  # circulations of unknown flows cost nothing: not unbounded
        max_iter=200_000,
        polishing=True,
    )
    result = solver.solve(raise_error=False)
    return result.x, str(result.info.status)


def measure(n_flows: int, repeat: int, seed: int, window: int) -> dict:
    """Every figure for one size (run in a fresh process, so that its peak memory is its own)."""
    problem = synthetic_network(n_flows, seed, window)
    figures: dict = {"flows": problem.n_variables}
    big = problem.n_variables > 20_000
    figures["solve"] = median_seconds(
        lambda: reconcile_network(problem, standard_deviations=False), repeat
    )
    figures["with sd"] = median_seconds(lambda: reconcile_network(problem), 1 if big else repeat)
    tracemalloc.start()
    ours = reconcile_network(problem)
    figures["py MB"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    figures["rss MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    status = np.array(ours.status)
    figures["unknown"] = int(np.isin(status, [OBSERVABLE, UNOBSERVABLE]).sum())
    figures["dof"] = ours.dof
    figures["held"] = len(ours.at_bound)
    figures["solves"] = ours.iterations
    figures["p"] = ours.p_value

    start = time.perf_counter()
    generic, osqp_status = solve_with_osqp(problem)
    figures["osqp"] = time.perf_counter() - start
    figures["osqp status"] = osqp_status
    determined = np.isfinite(ours.value)
    scale = np.abs(ours.value[determined]).max()
    figures["osqp differs"] = float(np.abs(generic - ours.value)[determined].max() / scale)

    if problem.n_variables <= DENSE_LIMIT:
        figures["dense"] = median_seconds(lambda: reconcile(problem), repeat)
        dense = reconcile(problem)
        figures["dense differs"] = float(
            np.nanmax(np.abs(dense.value - ours.value)) / scale
            + np.nanmax(np.abs(dense.sd - ours.sd)) / scale
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--window", type=int, default=WINDOW)
    arguments = parser.parse_args()

    rows = []
    for size in arguments.sizes:
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            job = pool.submit(measure, size, arguments.repeat, arguments.seed, arguments.window)
            rows.append(job.result())

    print(
        f"{'flows':>7} {'unknown':>7} {'dof':>6} {'held':>4} {'solves':>6} {'solve s':>8} "
        f"{'with sd s':>9} "
        f"{'sd s':>7} {'py MB':>7} {'rss MB':>7} {'osqp s':>8} {'ours/osqp':>9} {'dense s':>8} "
        f"{'ours/dense':>10}"
    )
    for row in rows:
        dense = row.get("dense")
        dense_text = (
            f"{dense:8.3f} {row['solve'] / dense:10.3f}" if dense else f"{'—':>8} {'—':>10}"
        )
        print(
            f"{row['flows']:7d} {row['unknown']:7d} {row['dof']:6d} {row['held']:4d} "
            f"{row['solves']:6d} "
            f"{row['solve']:8.3f} "
            f"{row['with sd']:9.3f} {row['with sd'] - row['solve']:7.3f} {row['py MB']:7.1f} "
            f"{row['rss MB']:7.0f} {row['osqp']:8.3f} {row['solve'] / row['osqp']:9.3f} "
            f"{dense_text}"
        )
    for row in rows:
        note = f"{row['flows']} flows: OSQP {row['osqp status']}, max |x_osqp − x̂| / max |x̂| = "
        note += f"{row['osqp differs']:.1e}"
        if "dense differs" in row:
            note += f"; dense vs ours (values + sd) {row['dense differs']:.1e}"
        print(note)

    print()
    verdicts = []
    for threads in (None, "1"):
        # A fresh process each, since OpenBLAS reads its thread count when numpy is imported.
        environment = dict(os.environ)
        if threads:
            os.environ["OPENBLAS_NUM_THREADS"] = threads
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
                job = pool.submit(time_typical, arguments.seed, arguments.window)
                n_flows, typical_ms, n_examples, largest_example, examples_ms = job.result()
        finally:
            os.environ.clear()
            os.environ.update(environment)
        blas = "OpenBLAS 1 thread" if threads else "default BLAS threads"
        verdicts.append(
            (
                f"typical assessment ({n_flows} flows), dense reconcile, {blas}",
                f"{typical_ms:.1f} ms",
                f"≤ {TARGET_TYPICAL_MS:.0f} ms",
                typical_ms <= TARGET_TYPICAL_MS,
            )
        )
        if n_examples:
            verdicts.append(
                (
                    f"examples/: slowest of {n_examples} balances (≤ {largest_example} "
                    f"variables), dense, {blas}",
                    f"{examples_ms:.1f} ms",
                    f"≤ {TARGET_TYPICAL_MS:.0f} ms",
                    examples_ms <= TARGET_TYPICAL_MS,
                )
            )
    largest = max(rows, key=lambda row: row["flows"])
    if largest["flows"] >= 100_000:
        verdicts += [
            (
                f"{largest['flows']} flows, classification + reconciliation + global test",
                f"{largest['solve']:.2f} s",
                f"≤ {TARGET_SOLVE_S:.0f} s",
                largest["solve"] <= TARGET_SOLVE_S,
            ),
            (
                f"{largest['flows']} flows, peak memory (ru_maxrss of the process)",
                f"{largest['rss MB']:.0f} MB",
                f"≤ {TARGET_MEMORY_MB:.0f} MB",
                largest["rss MB"] <= TARGET_MEMORY_MB,
            ),
            (
                f"{largest['flows']} flows, sd of every flow (with sd − solve)",
                f"{largest['with sd'] - largest['solve']:.2f} s",
                f"≤ {TARGET_SD_S:.0f} s",
                largest["with sd"] - largest["solve"] <= TARGET_SD_S,
            ),
        ]
    for smaller, larger in itertools.pairwise(rows):
        for key, is_target in (("solve", False), ("per solve", True), ("with sd", False)):
            if key == "per solve":
                growth = (larger["solve"] / larger["solves"]) / (
                    smaller["solve"] / smaller["solves"]
                )
            else:
                growth = larger[key] / smaller[key]
            exponent = math.log(growth) / math.log(larger["flows"] / smaller["flows"])
            verdicts.append(
                (
                    f"growth of {key}, {smaller['flows']} → {larger['flows']} flows"
                    + (
                        f" ({smaller['solves']} and {larger['solves']} solves)"
                        if key == "per solve"
                        else ""
                    ),
                    f"×{growth:.1f} (exponent {exponent:.2f})",
                    f"exponent ≤ {TARGET_GROWTH_EXPONENT}" if is_target else "(no target)",
                    exponent <= TARGET_GROWTH_EXPONENT if is_target else None,
                )
            )
    width = max(len(verdict[0]) for verdict in verdicts)
    for what, measured, target, met in verdicts:
        verdict = "—" if met is None else "OK" if met else "MISSED"
        print(f"{what:{width}}  {measured:>26}  {target:>15}  {verdict}")


def time_typical(seed: int, window: int) -> tuple[int, float, int, int, float]:
    """Median time [ms] of the dense reconcile on a synthetic assessment of at most 200 flows,
    and the slowest of the example assessments' balances (with their count and largest size)."""
    typical = synthetic_network(TYPICAL_FLOWS, seed, window)
    assert typical.n_variables <= 200
    typical_ms = 1e3 * median_seconds(lambda: reconcile(typical), 21)
    examples = example_problems()
    if not examples:
        return typical.n_variables, typical_ms, 0, 0, math.nan
    slowest_ms = max(
        1e3 * median_seconds(lambda problem=problem: reconcile(problem), 21) for problem in examples
    )
    largest = max(problem.n_variables for problem in examples)
    return typical.n_variables, typical_ms, len(examples), largest, slowest_ms


def example_problems() -> list[BalanceProblem]:
    """The balance problem of every group of layers of every example assessment (empty if the
    examples cannot be read in this checkout)."""
    try:
        from cleanprod.core.balance.network import build_networks
        from cleanprod.io import read_document

        return [
            network.problem for path in EXAMPLES for network in build_networks(read_document(path))
        ]
    except Exception as error:  # the benchmark reports, it does not fail on the examples
        print(f"examples not timed: {type(error).__name__}: {error}")
        return []


if __name__ == "__main__":
    main()
