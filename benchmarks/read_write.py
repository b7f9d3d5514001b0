"""How long reading and writing an assessment takes in each form, against YAML in the same run.

Run: .venv/bin/python benchmarks/read_write.py [--repeat N]
Prints, per example and form, the median time of a read (with validation) and of a write, and
the ratio to reading the same document as YAML, measured in this process.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from timing import median_seconds

from cleanprod.io import read_document, write_document

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.yaml"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    print(f"{'example':26} {'form':5} {'read ms':>8} {'write ms':>9} {'read / yaml read':>17}")
    with tempfile.TemporaryDirectory() as folder:
        for example in EXAMPLES:
            assessment = read_document(example)
            baseline = median_seconds(lambda path=example: read_document(path), repeat)
            for form in ("yaml", "json", "xlsx"):
                path = Path(folder) / f"{example.stem}.{form}"
                write = median_seconds(
                    lambda path=path, document=assessment: write_document(document, path), repeat
                )
                read = median_seconds(lambda path=path: read_document(path), repeat)
                print(
                    f"{example.stem:26} {form:5} {read * 1e3:8.1f} {write * 1e3:9.1f} "
                    f"{read / baseline:17.2f}"
                )


if __name__ == "__main__":
    main()
