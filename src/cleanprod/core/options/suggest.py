"""Suggest Cleaner Production options for an assessment, ranked by the loss cost they address.

Step 3 of a Cleaner Production Assessment generates options for the waste streams whose costs
and causes step 2 established (UNEP/UNIDO DESIRE method; domain-notes §1). This module matches
the catalogue (:mod:`cleanprod.core.options.catalogue`) to the document:

- **sector**: the options for the enterprise's sector (free text, or its ISIC class when the
  text names no catalogue sector) and the options for every plant;
- **loss**: for each loss or emission costed by the MFCA (:mod:`cleanprod.core.costing`), an
  option acts on it when the step it leaves matches one of the option's unit operations (by the
  step's ``unit_operation``, name or id, or by the words of the loss's own name, such as
  "Other electricity (pumps, lighting)"; an option without unit operations acts on any step),
  when its layer and kind fall in one of the option's waste streams (an energy loss counts as
  heat when its step burns fuel or receives heat from a step that does, and as electricity when
  it is fed with electricity), and when its name satisfies the option's keywords;
- **causes**: a loss without recorded causes is addressed in full; a loss with causes only for
  the part explained by the causes the option removes — each cause counts for its ``share``,
  causes without a share split what the others leave (so an option for equipment faults does
  not claim a loss put down to the raw material).

The **loss cost addressed** is the sum of the MFCA full cost of those losses times the part the
causes leave to the option [enterprise currency, for the document's period]; the **indicative
saving** is that cost times the option's savings range (a screening figure, see the catalogue's
header). Suggestions are ranked by the midpoint of the saving, then by cost class (cheaper
first), then by id. An option already in the document (same id, or the same title compared
without case, accents or punctuation) is returned marked ``present`` instead of as a new
suggestion.

References
----------
UNEP (2000). Cleaner Production Assessment in Dairy Processing, chapter 5.4 (generating and
screening options). ISO 14051:2011 (full cost of a material loss).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cleanprod.core.costing import LossCost, MfcaResult
from cleanprod.core.messages import Message, join_words
from cleanprod.core.options.catalogue import (
    ALL_SECTORS,
    CATALOGUE_FILE,
    COST_CLASSES,
    Catalogue,
    Option,
    fold_words,
    load_catalogue,
)
from cleanprod.model.assessment import Assessment, Flow
from cleanprod.model.choices import BUILTIN_LAYERS

HEAT = "heat"
ELECTRICITY = "electricity"


@dataclass(frozen=True)
class AddressedLoss:
    """One loss an option acts on: its full cost and the part the option addresses."""

    flow: str
    name: str
    process: str
    layer: str
    cost: float
    share: float
    streams: tuple[str, ...]
    causes: tuple[str, ...]

    @property
    def addressed(self) -> float:
        """The part of the full cost the option addresses [enterprise currency]."""
        return self.cost * self.share


_RECOVERY = "on-site recovery and reuse"


@dataclass(frozen=True)
class Suggestion:
    """A catalogue option suggested for a document, with the losses it would act on.

    ``loss_cost`` is the full cost the option addresses and ``saving_low``/``saving_high`` the
    indicative saving [enterprise currency, for the document's period]; ``share_low`` and
    ``share_high`` are the catalogue's savings range (0-1) applied to ``loss_cost``.
    """

    option: str
    title: str
    practice: str
    cost_class: str
    description: str
    processes: tuple[str, ...]
    flows: tuple[str, ...]
    loss_cost: float
    saving_low: float
    saving_high: float
    share_low: float
    share_high: float
    savings_basis: str
    currency: str
    reason: str
    source: str
    present: bool = False
    present_as: str | None = None
    losses: tuple[AddressedLoss, ...] = ()

    @property
    def saving(self) -> float:
        """The midpoint of the indicative saving [enterprise currency]."""
        return (self.saving_low + self.saving_high) / 2.0


# --------------------------------------------------------------------------------------------
# What each loss is


def _energy_sources(assessment: Assessment) -> dict[str, frozenset[str]]:
    """For each step, whether it is fed with heat (it burns fuel or receives energy from a
    step that does) and/or electricity (directly or through a switchboard)."""
    direct: dict[str, set[str]] = {process.id: set() for process in assessment.processes}
    upstream: dict[str, set[str]] = {process.id: set() for process in assessment.processes}
    for flow in assessment.flows:
        target = flow.to_process
        if target is None or target not in direct:
            continue
        if flow.layer == "energy" and flow.from_process is not None:
            upstream[target].add(flow.from_process)
        elif flow.layer == "energy" or flow.fuel is not None:
            direct[target].add(ELECTRICITY if flow.fuel == "electricity" else HEAT)
    sources = {process: set(kinds) for process, kinds in direct.items()}
    changed = True
    while changed:
        changed = False
        for process, feeders in upstream.items():
            before = len(sources[process])
            for feeder in feeders:
                sources[process] |= sources.get(feeder, set())
            changed = changed or len(sources[process]) != before
    return {process: frozenset(kinds) for process, kinds in sources.items()}


def _layer_class(assessment: Assessment, layer: str) -> str:
    if layer in BUILTIN_LAYERS:
        return layer
    for declared in assessment.layers:
        if declared.id == layer:
            return "substance" if declared.carrier else "declared"
    return "declared"


def _streams_of(
    catalogue: Catalogue,
    flow: Flow,
    layer_class: str,
    energy: frozenset[str],
    words: tuple[str, ...],
) -> frozenset[str]:
    """The catalogue's waste streams a loss belongs to."""
    found = set()
    for key, stream in catalogue.waste_streams.items():
        if layer_class not in stream.layers or flow.kind not in stream.kinds:
            continue
        other_source = stream.energy_source and stream.energy_source not in energy
        if layer_class == "energy" and energy and other_source:
            continue
        if catalogue.stream_keywords_match(key, words):
            found.add(key)
    return frozenset(found)


def _cause_share(flow: Flow, causes: Sequence[str]) -> float:
    """The part of a loss explained by ``causes`` (1 when the loss records no causes)."""
    if not flow.causes:
        return 1.0
    explicit = [cause.share.value / 100.0 for cause in flow.causes if cause.share is not None]
    total = sum(explicit)
    unshared = sum(1 for cause in flow.causes if cause.share is None)
    scale = 1.0 / total if total > 1.0 else 1.0
    rest = max(0.0, 1.0 - total * scale) / unshared if unshared else 0.0
    share = 0.0
    for cause in flow.causes:
        weight = cause.share.value / 100.0 * scale if cause.share is not None else rest
        if cause.category in causes:
            share += weight
    return min(1.0, share)


@dataclass(frozen=True)
class _Loss:
    """A costed loss with what the catalogue needs to know about it.

    ``reused`` says that the loss already feeds another step that is not a treatment (wood
    residues burned in the plant's stove): recovering it again is not a new option.
    """

    cost: LossCost
    flow: Flow
    operations: frozenset[str]
    streams: frozenset[str]
    words: tuple[str, ...]
    reused: bool = False


def _losses(assessment: Assessment, costs: MfcaResult, catalogue: Catalogue) -> list[_Loss]:
    flows = {flow.id: flow for flow in assessment.flows}
    processes = {process.id: process for process in assessment.processes}
    energy = _energy_sources(assessment)
    operations_of_step = {
        process.id: catalogue.unit_operations_of(process.unit_operation, process.name, process.id)
        for process in assessment.processes
    }
    losses = []
    for loss in costs.losses:
        flow = flows.get(loss.flow)
        if flow is None or loss.process not in processes:
            continue
        words = fold_words(f"{flow.name} {flow.id}")
        operations = operations_of_step[loss.process] | catalogue.unit_operations_of(
            flow.name, flow.id
        )
        streams = _streams_of(
            catalogue,
            flow,
            _layer_class(assessment, flow.layer),
            energy.get(loss.process, frozenset()),
            words,
        )
        reused = (
            loss.reused_in is not None
            and "wastewater-treatment" not in operations_of_step.get(loss.reused_in, ())
        )
        losses.append(_Loss(loss, flow, operations, streams, words, reused))
    return losses


# --------------------------------------------------------------------------------------------
# Matching and ranking


def _addressed(option: Option, losses: list[_Loss], catalogue: Catalogue) -> list[AddressedLoss]:
    wanted = set(option.unit_operations)
    acted = []
    for loss in losses:
        if option.practice == _RECOVERY and loss.reused:
            continue
        streams = [stream for stream in option.waste_streams if stream in loss.streams]
        if not streams:
            continue
        if wanted and not wanted & loss.operations:
            continue
        if not catalogue.option_keywords_match(option, loss.words):
            continue
        share = _cause_share(loss.flow, option.causes)
        if share <= 0.0:
            continue
        total = loss.cost.total
        acted.append(
            AddressedLoss(
                flow=loss.flow.id,
                name=loss.flow.name,
                process=loss.cost.process,
                layer=loss.flow.layer,
                cost=float(total) if math.isfinite(total) else 0.0,
                share=share,
                streams=tuple(streams),
                causes=tuple(dict.fromkeys(cause.category for cause in loss.flow.causes)),
            )
        )
    return acted


def _title_key(title: str) -> str:
    return " ".join(fold_words(title))


def _period(assessment: Assessment) -> str:
    days = assessment.period.days
    if 365 <= days <= 366:
        return Message("a year")
    return Message("in the {days}-day period", days=days)


def _and(items: Sequence[str]) -> str:
    return join_words(list(items))


def _reason(
    assessment: Assessment,
    option: Option,
    acted: list[AddressedLoss],
    catalogue: Catalogue,
) -> str:
    """One sentence: where the money goes, the recorded causes, the typical saving.

    The waste streams are named in the catalogue's words (its ``phrase``), which are data
    and stay in English.
    """
    by_process: dict[str, float] = {}
    for loss in acted:
        by_process[loss.process] = by_process.get(loss.process, 0.0) + loss.cost
    steps = sorted(by_process, key=lambda process: (-by_process[process], process))
    if len(steps) <= 2:
        who = _and(steps)
    elif len(steps) > 3:
        who = Message("{count} steps ({steps}, ...)", count=len(steps), steps=_and(steps[:3]))
    else:
        who = Message("{count} steps ({steps})", count=len(steps), steps=_and(steps[:3]))
    streams = [
        catalogue.waste_streams[stream].phrase
        for stream in option.waste_streams
        if any(stream in loss.streams for loss in acted)
    ]
    facts = {"steps": who, "streams": _and(list(dict.fromkeys(streams)))}
    total = sum(loss.cost for loss in acted)
    addressed = sum(loss.addressed for loss in acted)
    one = len(steps) == 1
    if total > 0:
        facts.update(
            cost=total, currency=assessment.enterprise.currency, period=_period(assessment)
        )
        if one:
            loss = Message("{steps} loses {cost:,.0f} {currency} {period} as {streams}", **facts)
        else:
            loss = Message("{steps} lose {cost:,.0f} {currency} {period} as {streams}", **facts)
    elif one:
        loss = Message(
            "{steps} loses {streams} to which the cost accounting gives no cost of its own (the "
            "cost stays with the products)",
            **facts,
        )
    else:
        loss = Message(
            "{steps} lose {streams} to which the cost accounting gives no cost of its own (the "
            "cost stays with the products)",
            **facts,
        )
    recorded = list(dict.fromkeys(cause for loss in acted for cause in loss.causes))
    causes = ""
    if recorded and total > 0 and addressed < total * (1 - 1e-9):
        causes = Message(
            "causes recorded: {causes} ({matching}: {share} of it)",
            causes=", ".join(recorded),
            matching=_and([cause for cause in recorded if cause in option.causes]),
            share=Message.wordless("{share:.4g} %", share=100 * addressed / total),
        )
    elif recorded:
        causes = Message("causes recorded: {causes}", causes=", ".join(recorded))
    saving = {
        "shares": Message.wordless(
            "{low:.4g}–{high:.4g} %", low=100 * option.savings.low, high=100 * option.savings.high
        ),
        "stream": catalogue.waste_streams[option.savings.quantity].phrase,
    }
    if option.savings.basis == "estimate":
        typical = Message("typical saving {shares} of the {stream} (estimate)", **saving)
    else:
        typical = Message("typical saving {shares} of the {stream}", **saving)
    if causes:
        return Message.wordless(
            "{loss}; {causes}; {saving}", loss=loss, causes=causes, saving=typical
        )
    return Message.wordless("{loss}; {saving}", loss=loss, saving=typical)


def _source_text(catalogue: Catalogue, option: Option) -> str:
    source = catalogue.sources[option.source]
    return f"{source.publisher} ({source.year}), {source.title}"


def suggest_options(
    assessment: Assessment,
    costs: MfcaResult,
    limit: int | None = 20,
    catalogue: Catalogue | None = None,
) -> list[Suggestion]:
    """Catalogue options for ``assessment``, ranked by the indicative saving on its losses.

    Parameters
    ----------
    assessment : Assessment
        The document: sector (and ISIC), steps with their unit operations, losses with their
        causes, and the options already listed.
    costs : MfcaResult
        Its material flow cost accounting (:func:`cleanprod.core.costing.material_flow_costs`):
        the full cost of every loss [enterprise currency, for the document's period].
    limit : int, optional
        At most this many new suggestions (``None``: all). Matching options already in the
        document are returned as well, marked ``present``, and do not count.
    catalogue : Catalogue, optional
        Another catalogue than the one shipped with cleanprod (for tests).

    Returns
    -------
    list of Suggestion
        Ranked by the midpoint of the indicative saving, then by cost class (cheaper first),
        then by option id.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more (or None for all), found {limit}")
    catalogue = catalogue or load_catalogue()
    sectors = catalogue.sectors_of(assessment.enterprise.sector, assessment.enterprise.isic)
    losses = _losses(assessment, costs, catalogue)
    in_document = {option.id: option.id for option in assessment.options}
    in_document.update({_title_key(option.title): option.id for option in assessment.options})

    found = []
    for option in catalogue.options:
        if not sectors & set(option.sectors):
            continue
        acted = _addressed(option, losses, catalogue)
        if not acted:
            continue
        addressed = sum(loss.addressed for loss in acted)
        base = sum(loss.addressed for loss in acted if option.savings.quantity in loss.streams)
        present_as = in_document.get(option.id) or in_document.get(_title_key(option.title))
        processes = tuple(dict.fromkeys(loss.process for loss in acted))
        found.append(
            Suggestion(
                option=option.id,
                title=option.title,
                practice=option.practice,
                cost_class=option.cost_class,
                description=option.description,
                processes=processes,
                flows=tuple(loss.flow for loss in acted),
                loss_cost=addressed,
                saving_low=base * option.savings.low,
                saving_high=base * option.savings.high,
                share_low=option.savings.low,
                share_high=option.savings.high,
                savings_basis=option.savings.basis,
                currency=assessment.enterprise.currency,
                reason=_reason(assessment, option, acted, catalogue),
                source=_source_text(catalogue, option),
                present=present_as is not None,
                present_as=present_as,
                losses=tuple(acted),
            )
        )
    found.sort(key=lambda item: (-item.saving, COST_CLASSES.index(item.cost_class), item.option))
    chosen, new = [], 0
    for suggestion in found:
        if suggestion.present:
            chosen.append(suggestion)
        elif limit is None or new < limit:
            chosen.append(suggestion)
            new += 1
    return chosen


# --------------------------------------------------------------------------------------------
# The JSON form


def suggestions_as_dict(
    assessment: Assessment,
    suggestions: Sequence[Suggestion],
    catalogue: Catalogue | None = None,
) -> dict[str, Any]:
    """Suggestions as plain data, the shape of ``cleanprod options suggest --json``."""
    catalogue = catalogue or load_catalogue()
    enterprise = assessment.enterprise
    sectors = catalogue.sectors_of(enterprise.sector, enterprise.isic)
    notes = []
    if sectors == {ALL_SECTORS}:
        named = ", ".join(key for key in catalogue.sectors if key != ALL_SECTORS)
        notes.append(
            Message(
                "the sector '{sector}' names none of the catalogue's sectors ({sectors}): only "
                "options for every plant are suggested; name the sector with one of them",
                sector=enterprise.sector,
                sectors=named,
            )
        )
    if not any(flow.causes for flow in assessment.flows):
        notes.append(
            Message(
                "no causes are recorded on the waste streams: every option addresses the whole "
                "of each loss it acts on; record causes under each flow's 'causes' to sharpen "
                "the list"
            )
        )
    notes.append(
        Message(
            "savings are screening figures from the catalogue (most are the cleanprod "
            "developers' estimates); check them with the plant's own figures in the "
            "feasibility step"
        )
    )

    def entry(item: Suggestion) -> dict[str, Any]:
        return {
            "option": item.option,
            "title": item.title,
            "practice": item.practice,
            "cost_class": item.cost_class,
            "description": item.description,
            "processes": list(item.processes),
            "flows": list(item.flows),
            "loss_cost": item.loss_cost,
            "saving": {"low": item.saving_low, "high": item.saving_high, "mid": item.saving},
            "savings_share": {
                "low": item.share_low,
                "high": item.share_high,
                "basis": item.savings_basis,
            },
            "reason": item.reason,
            "source": item.source,
            "present_as": item.present_as,
        }

    return {
        "currency": enterprise.currency,
        "period_days": assessment.period.days,
        "sector": enterprise.sector,
        "sectors": sorted(sectors),
        "suggestions": [entry(item) for item in suggestions if not item.present],
        "present": [entry(item) for item in suggestions if item.present],
        "notes": notes,
        "catalogue": {
            "file": f"cleanprod/data/{CATALOGUE_FILE}",
            "version": catalogue.version,
            "options": len(catalogue.options),
        },
    }
