"""How long the risk analysis of many options takes, against a loop over draws in the same run.

Run: .venv/bin/python benchmarks/bench_finance.py [--options 50] [--draws 10000] [--repeat 5]
Prints the median time of :func:`cleanprod.core.finance.monte_carlo` (NPV and simple payback
of every draw of every option, in closed form, one array expression) and of the same NPVs
computed year by year in a Python loop over a sample of the draws, scaled to all of them —
the way a spreadsheet model would be run — and the ratio. Target of the options work: 10⁴
draws for 50 options in ≤ 1 s.
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import median_seconds

from cleanprod.core.finance import monte_carlo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--options", type=int, default=50)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    rng = np.random.default_rng(1)
    count = arguments.options
    investment = rng.uniform(0, 50_000, count)
    savings = rng.uniform(1_000, 20_000, count)
    years = rng.integers(2, 16, count).astype(float)
    inputs = {
        "investment": investment,
        "investment_sd": 0.15 * investment,
        "savings": savings,
        "savings_sd": 0.2 * savings,
        "extra_cost": rng.uniform(-500, 500, count),
        "years": years,
        "rate": 0.1,
        "escalation": 0.02,
    }
    vectorised = median_seconds(
        lambda: monte_carlo(**inputs, draws=arguments.draws), arguments.repeat
    )

    sample = 200

    def loop() -> None:
        draw_rng = np.random.default_rng(2)
        for _ in range(sample):
            for option in range(count):
                paid = max(draw_rng.normal(investment[option], 0.15 * investment[option]), 0.0)
                net = draw_rng.normal(savings[option], 0.2 * savings[option])
                net -= inputs["extra_cost"][option]
                npv = -paid
                for year in range(1, int(years[option]) + 1):
                    npv += net * 1.02 ** (year - 1) / 1.1**year

    looped = median_seconds(loop, arguments.repeat) * arguments.draws / sample
    print(f"{arguments.draws} draws × {count} options")
    print(f"  vectorised (closed form, numpy)   {vectorised * 1000:8.1f} ms   target ≤ 1000 ms "
          f"{'OK' if vectorised <= 1.0 else 'MISSED'}")  # fmt: skip
    print(f"  loop over draws and years (est.)  {looped * 1000:8.1f} ms")
    print(f"  vectorised ÷ loop                 {vectorised / looped:8.4f}")


if __name__ == "__main__":
    main()
