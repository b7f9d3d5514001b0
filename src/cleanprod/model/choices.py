"""The enumerations of the assessment document, each in one place."""

from __future__ import annotations

from typing import Literal, get_args

FORMAT = "cleanprod/1"

FlowKind = Literal["input", "product", "by-product", "loss", "emission", "internal"]
FLOW_KINDS: tuple[str, ...] = get_args(FlowKind)

#: Kinds of flow that leave a process for outside the system boundary.
LEAVING_KINDS = ("product", "by-product", "emission")

Quality = Literal["measured", "calculated", "estimated"]
QUALITIES: tuple[str, ...] = get_args(Quality)

#: The four cost types of Material Flow Cost Accounting (ISO 14051:2011, 3.x).
CostType = Literal["material", "energy", "system", "waste_management"]
COST_TYPES: tuple[str, ...] = get_args(CostType)

#: UNEP's eight Cleaner Production practices (UNEP/UNIDO, *Cleaner Production Assessment in
#: Industries*; see domain-notes §1).
Practice = Literal[
    "good housekeeping",
    "input material change",
    "better process control",
    "equipment modification",
    "technology change",
    "on-site recovery and reuse",
    "useful by-product",
    "product modification",
]
PRACTICES: tuple[str, ...] = get_args(Practice)

#: Categories of the causes of a waste stream, as taught in CPA training (UNEP/UNIDO,
#: *Cleaner Production Assessment in Industries*, step 2 "find the causes"; domain-notes §1).
CauseCategory = Literal[
    "input materials",
    "technology",
    "process control",
    "equipment",
    "housekeeping and operators",
    "product",
    "waste",
]
CAUSE_CATEGORIES: tuple[str, ...] = get_args(CauseCategory)

#: Where an option stands: an idea, to implement now, needing further study, rejected,
#: planned (decided, not yet done), implemented.
OptionStatus = Literal[
    "identified", "implement-now", "further-study", "rejected", "planned", "implemented"
]
OPTION_STATUSES: tuple[str, ...] = get_args(OptionStatus)

#: Layers every document has without declaring them.
BUILTIN_LAYERS: tuple[str, ...] = ("mass", "water", "energy")

#: Report languages of the centres: English, Vietnamese, Lao, Khmer.
Language = Literal["en", "vi", "lo", "km"]
