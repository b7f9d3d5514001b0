"""``python -m cleanprod.web load_demo``: fill an empty platform with the demo.

The organisations of the Lao CP programme and of the rattan programme, demo users of every
role (one password, printed), the four Lao demonstration plants and two Vietnamese workshops
with the six examples as assessments, and about 200 rattan SMEs in Viet Nam, the Lao PDR and
Cambodia — everything made up is said to be illustrative. See :mod:`cleanprod.web.site.demo`.
Refuses, writing nothing, when the platform holds any organisation.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cleanprod.web.site.demo import DemoAlreadyLoaded, demo_logins, load_demo, logins_text


class Command(BaseCommand):
    help = (
        "Fill an empty platform with the demo: centres, partners, users of every role (one "
        "printed password), the six examples as assessments, about 200 rattan SMEs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rattan-smes",
            type=int,
            default=200,
            metavar="N",
            help="how many SMEs of the rattan programme to generate (default 200)",
        )
        parser.add_argument(
            "--no-assessments",
            action="store_true",
            help="leave out the six assessments (whose results take about 5 s to compute)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["rattan_smes"]
        if count < 0:
            raise CommandError(f"--rattan-smes must be 0 or more, not {count}")
        verbose = options["verbosity"] >= 2
        try:
            summary = load_demo(
                rattan_count=count,
                assessments=not options["no_assessments"],
                progress=(lambda step: self.stdout.write(f"  {step}")) if verbose else None,
            )
        except DemoAlreadyLoaded as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] >= 1:
            self.stdout.write(f"Demo loaded (illustrative data): {summary}.")
            self.stdout.write(logins_text(demo_logins()))
