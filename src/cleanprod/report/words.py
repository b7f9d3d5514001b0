"""The report's words for the codes of the results: statuses, categories, layers, cost types.

Each is marked with :func:`N_` so that ``make messages`` extracts it into the catalogue; the
report translates it when it is shown (:meth:`Words.__call__`). The calculations' own
sentences — notes, explanations, names of indicators — are
:class:`~cleanprod.core.messages.Message` objects, extracted from the core by ``make messages``
too and translated when shown (:meth:`Words.message`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cleanprod.core.messages import translate


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


#: The layers every document has, by id.
LAYERS = {"mass": N_("Mass"), "water": N_("Water"), "energy": N_("Energy")}

#: Status of a flow in the balance (``cleanprod balance``).
FLOW_STATUS = {
    "redundant": N_("checked by the balance"),
    "non-redundant": N_("cannot be checked"),
    "observable": N_("estimated by the balance"),
    "unobservable": N_("unknown: cannot be estimated"),
}

#: How a flow of a Sankey diagram is known.
LINK_CATEGORY = {
    "measured": N_("measured, not checked"),
    "reconciled": N_("measured and reconciled"),
    "suspect": N_("reconciled, suspect"),
    "estimated": N_("estimated by the balance"),
}

#: The kinds of flow of the document.
FLOW_KIND = {
    "input": N_("input"),
    "product": N_("product"),
    "by-product": N_("by-product"),
    "loss": N_("loss"),
    "emission": N_("emission"),
    "internal": N_("internal"),
}

#: What a suspect figure's likely cause is (``core.balance.diagnose``).
SUSPECT_CAUSE = {
    "unit-slip": N_("a unit or a decimal slip"),
    "reversed": N_("a reversed flow"),
    "period": N_("a figure for another period"),
    "none": N_("no simple slip"),
}

#: The cost types of MFCA (ISO 14051).
COST_TYPE = {
    "material": N_("Material"),
    "energy": N_("Energy"),
    "system": N_("System"),
    "waste_management": N_("Waste management"),
}

#: The criteria of the CPA focus.
CRITERION = {
    "cost": N_("Cost"),
    "environment": N_("Environment"),
    "confidence": N_("Confidence"),
    "ease": N_("Ease"),
}

#: Categories of the causes of a waste stream (CPA training).
CAUSE_CATEGORY = {
    "input materials": N_("input materials"),
    "technology": N_("technology"),
    "process control": N_("process control"),
    "equipment": N_("equipment"),
    "housekeeping and operators": N_("housekeeping and operators"),
    "product": N_("product"),
    "waste": N_("waste"),
}

#: Where an option stands.
OPTION_STATUS = {
    "identified": N_("identified"),
    "implement-now": N_("to implement now"),
    "further-study": N_("further study"),
    "rejected": N_("rejected"),
    "planned": N_("planned"),
    "implemented": N_("implemented"),
}

#: UNEP's eight Cleaner Production practices.
PRACTICE = {
    "good housekeeping": N_("good housekeeping"),
    "input material change": N_("input material change"),
    "better process control": N_("better process control"),
    "equipment modification": N_("equipment modification"),
    "technology change": N_("technology change"),
    "on-site recovery and reuse": N_("on-site recovery and reuse"),
    "useful by-product": N_("useful by-product"),
    "product modification": N_("product modification"),
}

#: The inputs a tornado varies.
TORNADO_INPUT = {
    "investment": N_("Investment"),
    "savings": N_("Savings"),
    "extra_cost": N_("Extra operating cost"),
    "lifetime": N_("Lifetime"),
    "discount_rate": N_("Discount rate"),
}

#: How the uncertainty of a figure was given in the document.
UNCERTAINTY_BASIS = {
    "sd": N_("standard deviation"),
    "uncertainty": N_("relative uncertainty (%)"),
    "range": N_("expert's range (min–max)"),
    "quality:measured": N_("quality class: measured"),
    "quality:calculated": N_("quality class: calculated"),
    "quality:estimated": N_("quality class: estimated"),
    "default:measured": N_("default class: measured"),
    "default:calculated": N_("default class: calculated"),
    "default:estimated": N_("default class: estimated"),
    "unknown": N_("none (unknown value)"),
}

#: Benchmark comparisons of an indicator.
BENCHMARK_VERDICT = {
    "within": N_("within the range"),
    "better": N_("better than the range"),
    "worse": N_("worse than the range"),
}

#: The objectives of the portfolio.
OBJECTIVE = {
    "npv": N_("total NPV"),
    "co2e": N_("CO2e saved"),
    "water": N_("water saved"),
}

#: What an edge of the process flow diagram carries, by layer kind.
OTHER_LAYER = N_("other layers")


class Words:
    """The words of the codes in one language: ``words("FLOW_STATUS", "redundant")``.

    ``separators`` are the locale's decimal and grouping signs (as
    :attr:`cleanprod.report.formatting.Formatter.separators` gives them), with which the
    numbers of the calculations' sentences are written.
    """

    def __init__(self, gettext: Callable[[str], str], separators: str = ".,"):
        self.gettext = gettext
        self.decimal, self.group = separators

    def message(self, text: Any) -> Any:
        """A sentence of the calculations in the report's language (a
        :class:`~cleanprod.core.messages.Message`); any other text as it is."""
        return translate(text, self.gettext, self.decimal, self.group)

    def __call__(self, table: str, code: str | None) -> str:
        if code is None:
            return ""
        entries = globals()[table]
        message = entries.get(code)
        return self.gettext(message) if message is not None else code

    def layer(self, layer: str, declared: str | None = None) -> str:
        """A layer's name: the document's own, else the built-in one translated."""
        if declared:
            return declared
        return self.gettext(LAYERS[layer]) if layer in LAYERS else layer
