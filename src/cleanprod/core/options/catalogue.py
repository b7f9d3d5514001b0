"""The catalogue of Cleaner Production options (``cleanprod/data/cp_options.yaml``).

Step 3 of a Cleaner Production Assessment generates options for the waste streams found in
step 2 (UNEP/UNIDO DESIRE method; domain-notes §1). The catalogue holds options that CP
centres have proposed and published, each with UNEP's CP practice, the sectors, process steps
(unit operations) and kinds of loss it acts on, the causes it removes, a cost class, an
indicative range of savings and the publication that describes it. The file's header states the
rules; this module reads the file, validates every entry and the links between entries, and
matches a document's free text (its sector, its steps' names) against the catalogue's
controlled vocabularies.

Matching words. Text is compared word by word after folding case and accents (``sơn mài`` is
``son mai``), turning hyphens and other punctuation into spaces and dropping a plural ``s``
(``soft-drinks`` matches ``soft drink``). A term matches when all its words occur in a row in
the text; a term ending in ``*`` accepts any ending of its last word (``wash*`` matches
``washer`` and ``washing``); a term of several words also matches the same letters written as
one word (``agro processing`` matches ``agroprocessing``).

References
----------
UNEP (2000). Cleaner Production Assessment in Dairy Processing, chapter 5 (the assessment
method and its option generation step); the sources of each entry are listed in the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from cleanprod.errors import DocumentError, Problem
from cleanprod.model.choices import CauseCategory, Practice

#: Cost classes, cheapest first (thresholds in the file's ``cost_classes``).
CostClass = Literal["no", "low", "medium", "high"]
COST_CLASSES: tuple[str, ...] = ("no", "low", "medium", "high")
#: Where a savings range comes from: read in the source, or the developers' estimate.
SavingsBasis = Literal["published", "estimate"]
#: The classes of balance layer a waste stream may name.
LayerClass = Literal["mass", "water", "energy", "substance", "declared"]
#: The sector every document matches: cross-cutting options.
ALL_SECTORS = "all"
#: The catalogue file, inside the package ``cleanprod.data``.
CATALOGUE_FILE = "cp_options.yaml"

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class CatalogueError(DocumentError):
    """The options catalogue (or a catalogue given to the parser) has bad entries."""


# --------------------------------------------------------------------------------------------
# Words


def _fold(text: str, singular: bool = True) -> tuple[str, ...]:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(character for character in text if not unicodedata.combining(character))
    words = re.findall(r"[a-z0-9]+", text.lower())
    return tuple(_singular(word) for word in words) if singular else tuple(words)


def fold_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as the catalogue compares them: lower case, without accents or
    punctuation, singular (``"Soft-Drinks"`` → ``("soft", "drink")``)."""
    return _fold(text)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Term:
    """One synonym or keyword, ready to be found in folded text."""

    __slots__ = ("joined", "prefix", "text", "words")

    def __init__(self, text: str):
        body = text.strip()
        self.text = body
        self.prefix = body.endswith("*")
        body = body.rstrip("*")
        words = _fold(body)
        if self.prefix and words:
            # A prefix is the stem as written: its last word keeps any final "s".
            words = (*words[:-1], _fold(body, singular=False)[-1])
        self.words: tuple[str, ...] = words
        self.joined = "".join(words) if len(words) > 1 and not self.prefix else None

    def __repr__(self) -> str:
        return f"Term({self.text!r})"

    def found_in(self, words: tuple[str, ...]) -> bool:
        """Whether this term occurs in the folded ``words``."""
        size = len(self.words)
        if size == 0:
            return False
        for start in range(len(words) - size + 1):
            if all(words[start + k] == self.words[k] for k in range(size - 1)):
                last = words[start + size - 1]
                if last == self.words[-1] or (self.prefix and last.startswith(self.words[-1])):
                    return True
        return self.joined is not None and self.joined in words


def _terms(texts: Iterable[str]) -> tuple[Term, ...]:
    return tuple(term for term in (Term(text) for text in texts) if term.words)


def matches_any(text: str | tuple[str, ...], terms: Iterable[Term]) -> bool:
    """Whether any of ``terms`` occurs in ``text`` (raw text or already folded words)."""
    words = fold_words(text) if isinstance(text, str) else text
    return any(term.found_in(words) for term in terms)


# --------------------------------------------------------------------------------------------
# The entries


def _fraction(value: Any) -> Any:
    """``"15%"`` → 0.15; a number is taken as a fraction already."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            try:
                return float(text[:-1].strip()) / 100.0
            except ValueError:
                raise ValueError(
                    f"'{value}' is not a percentage; write it like '15%' or as a fraction 0.15"
                ) from None
    return value


Fraction = Annotated[float, BeforeValidator(_fraction), Field(ge=0.0, le=1.0)]
Word = Annotated[str, Field(min_length=1)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CostClassInfo(_Entry):
    """What a cost class means and its upper bound [USD of 2025]."""

    description: Word
    max_usd: float | None = None


class Source(_Entry):
    """A publication cited by entries, with where the developers read it."""

    title: Word
    publisher: Word
    year: int = Field(ge=1950, le=2100)
    read_in: Word
    supports: Word
    year_note: str | None = None


class Vocabulary(_Entry):
    """A sector or a unit operation: its name and the words that name it in documents."""

    name: Word
    synonyms: tuple[Word, ...] = ()
    isic: tuple[Word, ...] = ()


class WasteStream(_Entry):
    """A kind of loss, by the layer class and kind of the flow and, optionally, its words."""

    name: Word
    phrase: Word
    layers: tuple[LayerClass, ...] = Field(min_length=1)
    kinds: tuple[Literal["loss", "emission"], ...] = ("loss", "emission")
    keywords: tuple[Word, ...] = ()
    energy_source: Literal["heat", "electricity"] | None = None


class Savings(_Entry):
    """The share of the full cost of each loss acted on that the option typically removes."""

    quantity: Word
    low: Fraction
    high: Fraction
    basis: SavingsBasis
    figure: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Savings:
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) exceeds high ({self.high:g})")
        if self.basis == "published" and not self.figure:
            raise ValueError("a published range needs the 'figure' read in the source")
        return self

    @property
    def midpoint(self) -> float:
        return (self.low + self.high) / 2.0


class Option(_Entry):
    """One Cleaner Production option of the catalogue."""

    id: Word
    title: Word
    description: Word
    practice: Practice
    sectors: tuple[Word, ...] = Field(min_length=1)
    unit_operations: tuple[Word, ...] = ()
    waste_streams: tuple[Word, ...] = Field(min_length=1)
    keywords: tuple[Word, ...] = ()
    causes: tuple[CauseCategory, ...] = Field(min_length=1)
    cost_class: CostClass
    savings: Savings
    source: Word
    also: tuple[Word, ...] = ()

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"'{value}' is not a catalogue id: lower-case letters, digits and '-' only"
            )
        return value

    @field_validator("description")
    @classmethod
    def _short(cls, value: str) -> str:
        sentences = [part for part in re.split(r"(?<=[.!?])\s+", value) if part]
        if len(sentences) > 3:
            raise ValueError(f"a description has 1 to 3 sentences, found {len(sentences)}")
        return value

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source, *self.also)


class Catalogue(_Entry):
    """The whole catalogue: vocabularies, sources and options, checked together."""

    version: int
    cost_classes: dict[CostClass, CostClassInfo]
    sources: dict[Word, Source]
    sectors: dict[Word, Vocabulary]
    unit_operations: dict[Word, Vocabulary]
    waste_streams: dict[Word, WasteStream]
    options: tuple[Option, ...] = Field(min_length=1)

    _sector_terms: dict[str, tuple[Term, ...]] = PrivateAttr(default_factory=dict)
    _operation_terms: dict[str, tuple[Term, ...]] = PrivateAttr(default_factory=dict)
    _stream_terms: dict[str, tuple[Term, ...]] = PrivateAttr(default_factory=dict)
    _option_terms: dict[str, tuple[Term, ...]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        self._sector_terms.update(
            {key: _terms((key, entry.name, *entry.synonyms)) for key, entry in self.sectors.items()}
        )
        self._operation_terms.update(
            {key: _terms((key, *entry.synonyms)) for key, entry in self.unit_operations.items()}
        )
        self._stream_terms.update(
            {key: _terms(entry.keywords) for key, entry in self.waste_streams.items()}
        )
        self._option_terms.update({option.id: _terms(option.keywords) for option in self.options})

    # ---- lookups ----------------------------------------------------------------------------

    def option(self, option_id: str) -> Option:
        """The option with ``option_id``; ``KeyError`` when there is none."""
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    def sectors_of(self, text: str | None, isic: str | None = None) -> frozenset[str]:
        """The sectors a document's free-text sector names, always with ``all``.

        When the text names none of them, the ISIC class is tried (code prefixes).
        """
        found = set()
        if text:
            words = fold_words(text)
            found = {
                key
                for key, terms in self._sector_terms.items()
                if key != ALL_SECTORS and any(term.found_in(words) for term in terms)
            }
        if not found and isic:
            code = isic.strip()
            found = {
                key
                for key, entry in self.sectors.items()
                if any(code.startswith(prefix) for prefix in entry.isic)
            }
        return frozenset({ALL_SECTORS, *found})

    def unit_operations_of(self, *texts: str | None) -> frozenset[str]:
        """The unit operations named in any of ``texts`` (a step's operation, name, id)."""
        found: set[str] = set()
        for text in texts:
            if not text:
                continue
            words = fold_words(text)
            found |= {
                key
                for key, terms in self._operation_terms.items()
                if any(term.found_in(words) for term in terms)
            }
        return frozenset(found)

    def stream_keywords_match(self, stream: str, words: tuple[str, ...]) -> bool:
        """Whether folded ``words`` satisfy the keywords of ``stream`` (none = always)."""
        terms = self._stream_terms[stream]
        return not terms or any(term.found_in(words) for term in terms)

    def option_keywords_match(self, option: Option, words: tuple[str, ...]) -> bool:
        """Whether folded ``words`` satisfy the keywords of ``option`` (none = always)."""
        terms = self._option_terms[option.id]
        return not terms or any(term.found_in(words) for term in terms)


# --------------------------------------------------------------------------------------------
# Reading and checking


def _where(data: Any, location: tuple[Any, ...]) -> str:
    """A readable place for a pydantic error location: ``options[12] (boiler-x).savings.low``."""
    parts: list[str] = []
    node = data
    for position, key in enumerate(location):
        if isinstance(key, int):
            label = f"[{key}]"
            entry = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
            if isinstance(entry, Mapping) and entry.get("id"):
                label += f" ({entry['id']})"
            parts.append(label)
            node = entry
        else:
            parts.append(("." if position else "") + str(key))
            node = node.get(key) if isinstance(node, Mapping) else None
    return "".join(parts)


def _link_problems(catalogue: Catalogue, data: Mapping[str, Any]) -> list[Problem]:
    """Problems between entries: unknown ids, duplicate ids, savings on an unlisted stream."""
    problems: list[Problem] = []
    if ALL_SECTORS not in catalogue.sectors:
        problems.append(Problem("sectors", f"the sector '{ALL_SECTORS}' must be declared"))
    for key in (*catalogue.sectors, *catalogue.unit_operations, *catalogue.waste_streams):
        if not _ID.match(key):
            problems.append(Problem(key, f"'{key}' is not an id: lower-case letters, digits, '-'"))
    seen: dict[str, int] = {}
    for position, option in enumerate(catalogue.options):
        where = f"options[{position}] ({option.id})"
        if option.id in seen:
            problems.append(
                Problem(f"{where}.id", f"duplicate id, also options[{seen[option.id]}]")
            )
        seen.setdefault(option.id, position)
        checks = (
            ("sectors", option.sectors, catalogue.sectors),
            ("unit_operations", option.unit_operations, catalogue.unit_operations),
            ("waste_streams", option.waste_streams, catalogue.waste_streams),
            ("source", (option.source,), catalogue.sources),
            ("also", option.also, catalogue.sources),
        )
        for field, values, known in checks:
            for value in values:
                if value not in known:
                    problems.append(
                        Problem(
                            f"{where}.{field}",
                            f"'{value}' is not declared under '{field_section(field)}' "
                            f"(known: {', '.join(sorted(known))})",
                        )
                    )
        if option.savings.quantity not in option.waste_streams:
            problems.append(
                Problem(
                    f"{where}.savings.quantity",
                    f"'{option.savings.quantity}' is not one of the option's waste_streams "
                    f"({', '.join(option.waste_streams)})",
                )
            )
    return problems


def field_section(field: str) -> str:
    """The catalogue section that declares the ids an option's ``field`` names."""
    return {"source": "sources", "also": "sources"}.get(field, field)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_catalogue(text: str, source: str = CATALOGUE_FILE) -> Catalogue:
    """Validate a catalogue given as YAML ``text``; every problem is reported at once.

    Raises
    ------
    CatalogueError
        Naming each bad entry and field (``options[12] (boiler-x).savings.low``) and what is
        wrong with it.
    """
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise CatalogueError(source, [Problem("", f"not valid YAML: {error}")]) from None
    return catalogue_from_data(data, source)


def catalogue_from_data(data: Any, source: str = CATALOGUE_FILE) -> Catalogue:
    """Validate a catalogue already read from YAML (see :func:`parse_catalogue`)."""
    if not isinstance(data, Mapping):
        raise CatalogueError(source, [Problem("", "expected a mapping with 'options' and more")])
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem(_where(data, tuple(detail["loc"])), detail["msg"])
            for detail in error.errors(include_url=False)
        ]
        raise CatalogueError(source, problems) from None
    problems = _link_problems(catalogue, data)
    if problems:
        raise CatalogueError(source, problems)
    return catalogue


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with cleanprod, validated once and kept."""
    text = resources.files("cleanprod.data").joinpath(CATALOGUE_FILE).read_text("utf-8")
    return parse_catalogue(text, f"cleanprod/data/{CATALOGUE_FILE}")
