"""The ``cleanprod`` command: check, convert and assess baseline documents.

The commands are thin: they read their arguments, call :mod:`cleanprod.services` and print.
Bad input never shows a traceback: :class:`CleanprodGroup` catches every
:class:`~cleanprod.errors.CleanprodError` (and an :class:`OSError` on a path the user gave),
prints its message to stderr and exits with status 2.

Exit status: 0 success; 2 bad input (an invalid document, an unknown file type, a path that
cannot be written) or a wrong use of the command (click's own usage errors).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from cleanprod import __version__, services
from cleanprod.errors import CleanprodError
from cleanprod.io import read_document
from cleanprod.io.text_formats import dump_json

#: Exit status for bad input, the same as click's for a usage error.
EXIT_BAD_INPUT = 2
#: Exit status when cleanprod itself failed (a bug); the message asks for a report.
EXIT_INTERNAL_ERROR = 1


class CleanprodGroup(click.Group):
    """The command group; the one place where errors caused by the user's input are shown."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CleanprodError as error:
            click.echo(str(error), err=True)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"{where}{error.strerror or error}", err=True)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            if os.environ.get("CLEANPROD_DEBUG"):
                raise
            click.echo(
                f"cleanprod stopped on an internal error ({type(error).__name__}: {error}). "
                "This is a bug in cleanprod, not in your file: please report it with the file "
                "you used. Set CLEANPROD_DEBUG=1 to see the details.",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL_ERROR)
        ctx.exit(EXIT_BAD_INPUT)


EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(cls=CleanprodGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cleanprod")
def cleanprod() -> None:
    """Cleaner Production assessments: baseline documents, balances, waste costs and options.

    A baseline document (format cleanprod/1, see docs/format.md) is written as YAML, JSON or
    an Excel workbook. Exit status: 0 success, 2 bad input or wrong use.
    """


@cleanprod.command()
@click.argument("file", type=EXISTING_FILE)
def validate(file: Path) -> None:
    """Check the document FILE (.yaml, .yml, .json or .xlsx) and list every problem.

    A valid document prints one line: the enterprise, the number of processes and flows, and
    how many flows are still unknown. An invalid one prints each problem on its own line, with
    where it is (line or sheet and row, and key path) and what to change; the exit status is
    then 2.
    """
    assessment = read_document(file)
    click.echo(
        f"{file}: valid — {assessment.enterprise.name}, {len(assessment.processes)} processes, "
        f"{len(assessment.flows)} flows ({len(assessment.unknown_flows)} unknown)"
    )


@cleanprod.command()
@click.option(
    "-o",
    "--output",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("baseline.xlsx"),
    show_default=True,
    help="The workbook to write (.xlsx).",
)
@click.option("--force", is_flag=True, help="Replace the workbook if it exists already.")
def template(path: Path, force: bool) -> None:
    """Write an empty Excel workbook to fill in with an enterprise's baseline data.

    The workbook has one sheet per part of the document (enterprise, layers, products,
    processes, stock changes, flows, options) and a sheet of instructions. Read it back with
    `cleanprod validate` once it is filled in. An existing file is kept unless --force is given.
    """
    written = services.write_template(path, overwrite=force)
    click.echo(
        f"Wrote an empty baseline workbook to {written}; fill it in, then run "
        f"'cleanprod validate {written}'."
    )


@cleanprod.command()
@click.argument("source", type=EXISTING_FILE)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def convert(source: Path, target: Path) -> None:
    """Convert the document SOURCE into TARGET, in the form TARGET's suffix names.

    Both may be .yaml, .yml, .json or .xlsx; the meaning is kept, so converting back gives the
    same document. SOURCE is validated first: an invalid SOURCE writes nothing and exits with
    status 2. TARGET is replaced if it exists, but never when it is SOURCE itself.
    """
    services.convert_document(source, target)
    click.echo(f"{source} → {target}")


@cleanprod.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="The folder for the results; created when missing.",
)
def assess(paths: tuple[Path, ...], out_dir: Path) -> None:
    """Summarise each document in PATHS and write the results to a folder.

    PATHS are documents or folders; a folder means every .yaml, .yml, .json and .xlsx file in
    it. For each document <name> this writes <name>.summary.json and <name>.summary.txt (per
    layer: the flows, the unknowns, known inputs and outputs; the money), and as JSON and text
    what `cleanprod balance --suggest-meters 3`, `costs`, `indicators`, `focus` and `options`
    give: <name>.balance, .costs, .indicators, .focus and .options; index.json lists every
    file with its problems. A bad file does not stop the others, but the exit status is then
    2.
    """
    results = services.assess_paths(paths, out_dir)
    for result in results:
        if result.valid:
            texts = [path for path in result.outputs if path.suffix == ".txt"]
            base = str(texts[0]).removesuffix(".summary.txt")
            kinds = ",".join(str(path)[len(base) + 1 : -len(".txt")] for path in texts)
            click.echo(
                f"{result.source}: valid — {result.summary['enterprise']['name']} → "
                f"{base}.{{{kinds}}}.txt"
            )
            for problem in result.result_problems:
                click.echo(f"  - not computed: {problem}", err=True)
        else:
            count = len(result.problems)
            click.echo(f"{result.source}: invalid, {count} problem{'s' * (count != 1)}")
            for problem in result.problems:
                click.echo(f"  - {problem}", err=True)
    invalid = sum(not result.valid for result in results)
    click.echo(
        f"Results of {len(results)} file{'s' * (len(results) != 1)} in {out_dir}/ "
        f"(index: {out_dir / services.INDEX_NAME})" + (f"; {invalid} invalid" if invalid else "")
    )
    if invalid:
        raise click.exceptions.Exit(EXIT_BAD_INPUT)


def _print_result(data: dict[str, Any], as_json: bool, text: Any) -> None:
    """Print a command's result: as JSON with ``--json``, else the readable ``text()``."""
    click.echo(dump_json(data) if as_json else text(), nl=False)


def _percent(ctx: click.Context, param: click.Parameter, value: str) -> float:
    """``2``, ``2%`` or ``2 %`` → 2.0 (a relative standard deviation in %)."""
    text = value.strip().rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        raise click.BadParameter(f"expected a percentage like 2%, found '{value}'") from None
    if not 0 < number < 100:
        raise click.BadParameter(f"expected a percentage between 0 and 100, found '{value}'")
    return number


@cleanprod.command()
@click.argument("file", type=EXISTING_FILE)
@click.option("--layer", help="Only this layer (mass, water, energy or a declared layer).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--suggest-meters",
    "meters",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Also rank the N flows where one new meter would help most.",
)
@click.option(
    "--meter-accuracy",
    default="2%",
    show_default=True,
    callback=_percent,
    help="Relative standard deviation of a suggested meter.",
)
def balance(
    file: Path, layer: str | None, as_json: bool, meters: int, meter_accuracy: float
) -> None:
    """Reconcile the material and energy balances of FILE and point out suspect figures.

    Per layer: each flow measured ± sd and reconciled ± sd, the adjustment, its status
    (redundant, non-redundant, observable, unobservable), the measurement test and a verdict;
    each process's imbalance before adjustment; the global χ² test; and the suspect figures
    with a likely explanation (a unit slip, a reversed flow, a bill for the wrong period).
    The exit status is 0 whether the data are consistent or not, 2 for a bad file.
    """
    from cleanprod.services.balance import balance_file, balance_text

    data = balance_file(file, layer=layer, meters=meters, meter_accuracy=meter_accuracy)
    _print_result(data, as_json, lambda: balance_text(data, source=file))


@cleanprod.command()
@click.argument("file", type=EXISTING_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def costs(file: Path, as_json: bool) -> None:
    """The true cost of every waste stream of FILE: material flow cost accounting (ISO 14051).

    On the reconciled balance, each process step is a quantity centre; its material, energy,
    system and waste-management costs go to its products and its losses. Prints the costs of
    each centre and the losses ranked by their full cost: the purchase value of the material
    lost, the energy and system cost it absorbed, and its treatment and disposal.
    """
    from cleanprod.services.costs import costs_file, costs_text

    data = costs_file(file)
    _print_result(data, as_json, lambda: costs_text(data, source=file))


@cleanprod.command()
@click.argument("file", type=EXISTING_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--weights",
    metavar="CRITERION=W,...",
    help="Weights of the criteria cost, environment, confidence and ease, e.g. "
    "'cost=0.6,ease=0.1'; the others keep their defaults (0.4, 0.25, 0.15, 0.2).",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many streams and steps the table shows.",
)
def focus(file: Path, as_json: bool, weights: str | None, top: int) -> None:
    """Rank the waste streams and process steps of FILE for the CPA focus.

    Each waste stream is scored from 0 to 1 on its full cost (MFCA), its environmental weight
    (the share of its layer it carries away), how well the balance knows it, and how easy its
    recorded causes are to act on; the score is their weighted mean. Steps are scored from
    their streams.
    """
    from cleanprod.services.focus import focus_file, focus_text, parse_weights

    data = focus_file(file, parse_weights(weights))
    _print_result(data, as_json, lambda: focus_text(data, source=file, top=top))


@cleanprod.command()
@click.argument("file", type=EXISTING_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def indicators(file: Path, as_json: bool) -> None:
    """Resource efficiency and pollution intensity of FILE, per product and for the site.

    Water, energy and each main material per unit of product (and the resource productivity,
    its inverse), waste, wastewater and CO2e per unit, each with its standard deviation from
    the balance, compared with sector benchmark ranges where one is known.
    """
    from cleanprod.services.indicators import indicators_file, indicators_text

    data = indicators_file(file)
    _print_result(data, as_json, lambda: indicators_text(data, source=file))


class _OptionsGroup(click.Group):
    """``cleanprod options FILE`` appraises; ``cleanprod options suggest FILE`` suggests."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["appraise", *args]
        return super().parse_args(ctx, args)


@cleanprod.group(cls=_OptionsGroup)
def options() -> None:
    """The CP options of a document: their feasibility, or suggestions from the catalogue.

    \b
    cleanprod options FILE [--json]           NPV, IRR, paybacks, CO2e and risk of each option
    cleanprod options suggest FILE [--json]   options from the catalogue for this plant
    cleanprod options portfolio FILE --budget 50000   the best set under a budget
    """


@options.command("appraise")
@click.argument("file", type=EXISTING_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--draws",
    type=click.IntRange(min=100),
    default=10_000,
    show_default=True,
    help="Monte Carlo draws of the risk analysis.",
)
def appraise_options(file: Path, as_json: bool, draws: int) -> None:
    """The feasibility of every option of FILE (the default of `cleanprod options FILE`).

    Each option's yearly savings follow from its effects on the balance (through prices,
    waste costs and emission factors) or are given directly; with its investment, operating
    cost, lifetime and the document's discount rate they give NPV, IRR, simple and discounted
    payback, a benefit-cost ratio, a ±20 % sensitivity table and P(NPV > 0).
    """
    from cleanprod.services.feasibility import options_file, options_text

    data = options_file(file, draws=draws)
    _print_result(data, as_json, lambda: options_text(data, source=file))


@options.command("portfolio")
@click.argument("file", type=EXISTING_FILE)
@click.option(
    "--budget",
    type=float,
    help="Most total investment, in the results' currency; the document's finance.budget "
    "when not given.",
)
@click.option(
    "--objective",
    type=click.Choice(["npv", "co2e", "water"]),
    default="npv",
    show_default=True,
    help="What the portfolio maximises.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def options_portfolio(file: Path, budget: float | None, objective: str, as_json: bool) -> None:
    """The best set of options of FILE under a budget, with their exclusions and dependencies
    (an exact mixed-integer programme; options on one flow are counted in sequence)."""
    from cleanprod.services.feasibility import portfolio_file, portfolio_text

    data = portfolio_file(file, budget=budget, objective=objective)
    _print_result(data, as_json, lambda: portfolio_text(data, source=file))


@options.command("suggest")
@click.argument("file", type=EXISTING_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many options to suggest.",
)
def suggest_options(file: Path, as_json: bool, limit: int) -> None:
    """Options from cleanprod's catalogue that fit FILE's sector, steps, losses and causes,
    ranked by the loss cost each addresses, each with the reason it was suggested."""
    from cleanprod.services.options import suggest_file, suggest_text

    data = suggest_file(file, limit)
    _print_result(data, as_json, lambda: suggest_text(data, source=file))


@cleanprod.command()
@click.argument("file", type=EXISTING_FILE)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The report to write: .pdf or .html by its suffix; give -o twice for both.",
)
@click.option(
    "--lang",
    default="en",
    show_default=True,
    metavar="en|vi|lo|km",
    help="The language of the report: English, Vietnamese, Lao or Khmer.",
)
def report(file: Path, outputs: tuple[Path, ...], lang: str) -> None:
    """Write the Cleaner Production Assessment report of FILE as PDF or HTML.

    The report holds the enterprise and its baseline, the process flow diagram, a Sankey
    diagram and the reconciled balance of each layer with its suspect figures, the true cost
    of the waste streams (MFCA), the indicators against benchmarks, the CPA focus, the
    options with their feasibility and the chosen portfolio, the implementation and verified
    savings, and an annex on data quality and the meters to add. The HTML is interactive and
    works offline; the PDF is A4 with its fonts embedded. A language other than English
    needs its complete catalogue.
    """
    from cleanprod.services.report import write_report

    for written in write_report(file, outputs, lang=lang):
        click.echo(f"{file} → {written}")


def main() -> None:
    """Run the ``cleanprod`` command (the console entry point)."""
    cleanprod(prog_name="cleanprod")
