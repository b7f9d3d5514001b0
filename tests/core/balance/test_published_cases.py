"""The reconciliation checked against examples published with their reconciled results.

One test per published case: the example's balance is rebuilt from its published input data,
reconciled through the public API (:func:`cleanprod.core.balance.reconcile.reconcile`) and
compared with the published results at the precision they are printed. Every number below was
read in a stored public source that names the publication; the comment next to it says where.
When the results were read from a program that reproduces the publication (the program the
paper documents, or another implementation), the comment says so.

Hand-checked cases, properties on random networks and the simulation of the test levels are in
``test_reconcile.py``.
"""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose
from scipy import sparse

from cleanprod.core.balance.problem import (
    OBSERVABLE,
    UNOBSERVABLE,
    BalanceProblem,
    BilinearTerms,
)
from cleanprod.core.balance.reconcile import reconcile

# --- Cencic (2016), the worked example of STAN's nonlinear reconciliation -------------------------

SEVEN_FLOWS = (
    "flow:F1",  # outside → P1, measured 100 ± 10
    "flow:F2",  # outside → P1, 50 taken as exact (no uncertainty)
    "flow:F3",  # P1 → P2, measured 300 ± 30
    "flow:F4",  # P2 → P1, unknown
    "flow:F5",  # P2 → P3, measured 160 ± 16
    "flow:F6",  # P3 → outside, unknown
    "flow:F7",  # P3 → outside, unknown
    "transfer:P2->F4",  # transfer coefficient of P2 into F4, measured 0.5 ± 0.05
)


def seven_flows_problem(scale: float) -> BalanceProblem:
    """Cencic (2016)'s example: three processes, seven flows, one uncertain transfer coefficient.

    The flows and their standard deviations are multiplied by ``scale`` (1 as the example is
    usually drawn, 1000 as it is entered in the STAN model read below); the transfer
    coefficient is a ratio and is not scaled.

    Equations, as printed in the STAN trace and in ``seven_flows.jl`` (sources below)::

        P1:  F1 + F2 + F4 − F3 = 0
        P2:  F3 − F4 − F5      = 0
        P3:  F5 − F6 − F7      = 0
        TC:  F4 − TC · F3      = 0     (bilinear)
    """
    nan = np.nan
    rows = np.array(
        [
            [1, 1, -1, 1, 0, 0, 0, 0],
            [0, 0, 1, -1, -1, 0, 0, 0],
            [0, 0, 0, 0, 1, -1, -1, 0],
            [0, 0, 0, 1, 0, 0, 0, 0],
        ],
        dtype=float,
    )
    flows = scale * np.array([100.0, 50.0, 300.0, nan, 160.0, nan, nan])
    flow_sd = scale * np.array([10.0, 0.0, 30.0, nan, 16.0, nan, nan])
    return BalanceProblem(
        names=SEVEN_FLOWS,
        measured_value=np.append(flows, 0.5),
        measured_sd=np.append(flow_sd, 0.05),
        lower=np.zeros(len(SEVEN_FLOWS)),
        matrix=sparse.csr_array(rows),
        constant=np.zeros(4),
        equations=("P1", "P2", "P3", "transfer:P2->F4"),
        # −1 · F3 · TC in the transfer-coefficient equation.
        bilinear=BilinearTerms(
            row=np.array([3]),
            first=np.array([2]),
            second=np.array([7]),
            coefficient=np.array([-1.0]),
        ),
    )


def test_reconcile_cencic_2016_seven_flows():
    """Cencic, O. (2016). Nonlinear data reconciliation in material flow analysis with software
    STAN. Sustainable Environment Research 26(6), 291–298. doi:10.1016/j.serj.2016.06.002 —
    the paper's worked example (flows F1…F7, processes P1…P3, transfer coefficient P2 → F4).

    The paper's own table could not be read from the stored copies (only its opening page is
    stored), so the results are those of two programs that reproduce the example, both
    naming the paper:

    * STAN 2.7.101 — the program the paper documents — in the trace stored in the repository
      MatplusGmbH/opensefa-reconciliation-solver, file
      ``test/examples/Cencic_2016_STAN/data/trace.txt`` (commit 8dd7f7e64b39…), model in kg
      (F1 = 100000 ± 10000 …). STAN prints 15 significant digits but stops iterating at its
      own threshold; its values agree with ours to about 4·10⁻¹¹ (relative), so they are
      compared at rtol 1e-9.
    * ODYM's ``DataReconciliation()`` in the repository CarrerF/ODYM, notebook
      ``docs/ODYM Data Reconciliation part1.ipynb`` (commit f628fbcec5ad…), which says it
      reproduces "the same worked example" of Cencic (2016) and prints its results with six
      decimals (F1 = 102.425960 ± 7.882792 …): compared at atol 5e-7, half a unit of the last
      printed digit.

    The weighted sum of squares is printed as "Objective value: 0.2959" in the README of
    MatplusGmbH/opensefa-reconciliation-solver (OpenSEFA.jl, problem "Seven flows Cencic2016"
    from ``test/examples/seven_flows.jl``, which also gives the input data): compared at
    atol 5e-5.
    """
    f1, f2, f3, f4, f5, f6, f7, tc = range(len(SEVEN_FLOWS))
    determined = [f1, f2, f3, f4, f5, tc]

    # STAN 2.7.101, trace.txt, final "Vector of results", model in kg.
    stan = reconcile(seven_flows_problem(scale=1000.0))
    stan_value = [
        102425.959658972,  # F1_m
        50000.0,  # F2_m (exact, printed without uncertainty)
        302416.229384905,  # F3_m
        149990.269725933,  # F4_m
        152425.959658972,  # F5_m
        0.495972951025158,  # P2_T_F4
    ]
    stan_sd = [
        7882.79241171308,
        0.0,
        22608.614339116,
        21213.2969307518,
        7882.79241171309,
        0.0376810238985266,
    ]
    assert_allclose(stan.value[determined], stan_value, rtol=1e-9)
    assert_allclose(stan.sd[determined], stan_sd, rtol=1e-9, atol=0.0)
    # STAN prints "?" for F6 and F7: only their sum is known (F5), not each of them.
    assert stan.status[f4] == OBSERVABLE
    assert stan.status[f6] == stan.status[f7] == UNOBSERVABLE
    assert np.isnan(stan.value[[f6, f7]]).all()
    assert np.isnan(stan.sd[[f6, f7]]).all()
    # OpenSEFA.jl README: "Objective value: 0.2959".
    assert_allclose(stan.chi2, 0.2959, rtol=0.0, atol=5e-5)

    # ODYM, part1 notebook, first results table (columns "Reconciled value", "Reconciled sd"),
    # model in the units of the drawing (F1 = 100 ± 10).
    odym = reconcile(seven_flows_problem(scale=1.0))
    odym_value = [102.425960, 50.000000, 302.416229, 149.990270, 152.425960, 0.495973]
    odym_sd = [7.882792, 0.0, 22.608614, 21.213297, 7.882792, 0.037681]
    assert_allclose(odym.value[determined], odym_value, rtol=0.0, atol=5e-7)
    assert_allclose(odym.sd[determined], odym_sd, rtol=0.0, atol=5e-7)
    # ODYM: "Cannot reconcile. Initial estimate only" for m30_1 and m30_2 (F6, F7).
    assert odym.status[f6] == odym.status[f7] == UNOBSERVABLE
    assert_allclose(odym.chi2, 0.2959, rtol=0.0, atol=5e-5)
