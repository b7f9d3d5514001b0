"""Likely duplicates in the enterprise registry: one enterprise entered twice, by two centres or
two consultants, under slightly different spellings.

Two entries of the same country are likely duplicates when they carry the same registration
(or tax) number, or when their names, once normalised, are nearly the same
(``rapidfuzz.fuzz.token_sort_ratio`` of at least :data:`NAME_SIMILARITY_THRESHOLD`). The
normalisation (:func:`normalise_name`) folds case, strips the Latin accents of Vietnamese
("Công ty TNHH Đồng Tâm" → "dong tam"), drops the legal forms of the four languages
("Co., Ltd", "JSC", "công ty", "TNHH", "cổ phần", "ບໍລິສັດ", "ຈຳກັດ", "ក្រុមហ៊ុន" ...) and
punctuation, and keeps the vowel signs and tone marks of Lao and Khmer, which are letters of
those scripts, not accents.

Everything here but :func:`registry_candidates` is pure: plain mappings in, plain values out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

#: The lowest ``token_sort_ratio`` (0-100) of two normalised names that makes them likely
#: duplicates. 90 catches spelling variants ("Chuong My Rattan" / "Chương Mỹ Rattan Co.") and
#: a word dropped from a long name, not two different workshops of one village.
NAME_SIMILARITY_THRESHOLD = 90

#: Legal forms and their abbreviations, dropped from names before comparing them. Latin-script
#: phrases are dropped as whole words; Lao and Khmer ones wherever they occur (those scripts
#: do not separate words by spaces).
LEGAL_FORMS_LATIN = (
    # English
    "company",
    "co",
    "limited",
    "ltd",
    "joint stock",
    "jsc",
    "corporation",
    "corp",
    "incorporated",
    "inc",
    "llc",
    "plc",
    "partnership",
    "cooperative",
    "co-operative",
    # Vietnamese
    "công ty",
    "cty",
    "ctcp",
    "trách nhiệm hữu hạn",
    "tnhh",
    "cổ phần",
    "cp",
    "một thành viên",
    "hai thành viên trở lên",
    "mtv",
    "doanh nghiệp tư nhân",
    "dntn",
    "hợp tác xã",
    "htx",
    "hộ kinh doanh",
    "hkd",
    "cơ sở",
    "tập đoàn",
)
LEGAL_FORMS_OTHER_SCRIPTS = (
    # Lao: company, limited, public, partnership, sole (individual) enterprise
    "ບໍລິສັດ",
    "ຈຳກັດ",
    "ມະຫາຊົນ",
    "ຫ້າງຫຸ້ນສ່ວນ",
    "ວິສາຫະກິດສ່ວນບຸກຄົນ",
    "ສ່ວນບຸກຄົນ",
    # Khmer: company, private, limited (liability), sole proprietorship
    "ក្រុមហ៊ុន",
    "ឯកជន",
    "ទទួលខុសត្រូវមានកម្រិត",
    "មានកម្រិត",
    "សហគ្រាសឯកបុគ្គល",
)


_LAO_TONE_BEFORE_NIGGAHITA = re.compile("([\u0ec8-\u0ecb])(\u0ecd)")


def fold(text: str) -> str:
    """``text`` for matching and searching: case folded, Latin accents stripped ("Hà Nội" →
    "ha noi", "Đồng" → "dong"), Lao and Khmer marks kept, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    decomposed = unicodedata.normalize("NFD", text)
    # Only the combining diacritics of the Latin script (U+0300-U+036F); the vowel signs of
    # Lao and Khmer are combining marks too, but they are letters of their words.
    stripped = "".join(char for char in decomposed if not "\u0300" <= char <= "\u036f")
    stripped = stripped.replace("đ", "d")
    # Lao is typed with a tone mark before or after the sign ◌ໍ (as in ນ້ຳ / ນໍ້າ): one order.
    stripped = _LAO_TONE_BEFORE_NIGGAHITA.sub(r"\2\1", stripped)
    return " ".join(unicodedata.normalize("NFC", stripped).split())


def _without_punctuation(text: str) -> str:
    """Letters, marks and digits of every script kept; everything else becomes a space."""
    return "".join(char if unicodedata.category(char)[0] in "LMN" else " " for char in text)


def _alternation(phrases: Iterable[str]) -> str:
    folded = sorted({" ".join(_without_punctuation(fold(p)).split()) for p in phrases}, key=len)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in reversed(folded))


_LATIN_FORMS = re.compile(rf"\b(?:{_alternation(LEGAL_FORMS_LATIN)})\b")
_OTHER_FORMS = re.compile(_alternation(LEGAL_FORMS_OTHER_SCRIPTS))


def normalise_name(name: str) -> str:
    """An enterprise's name reduced to what tells it apart: folded (:func:`fold`), without
    punctuation or legal forms. "Công ty TNHH Mây tre Chương Mỹ" → "may tre chuong my";
    "ບໍລິສັດ ນ້ຳດື່ມ ຈຳກັດ" → "ນໍ້າດື່ມ" (in NFKC)."""
    text = _without_punctuation(fold(name))
    text = _OTHER_FORMS.sub(" ", text)
    text = _LATIN_FORMS.sub(" ", text)
    return " ".join(text.split())


def normalise_registration_number(number: str) -> str:
    """A registration or tax number with only its letters and digits ("0101-234 567" →
    "0101234567")."""
    return "".join(char for char in fold(number) if char.isalnum())


@dataclass(frozen=True)
class LikelyDuplicate:
    """An entry of the registry (or an earlier row of a file) that looks like the one being
    entered.

    ``candidate`` is the mapping it was given as (``pk``, ``name``, ``country`` ...);
    ``same_registration_number`` tells whether the numbers are equal; ``name_similarity``
    is the best ``token_sort_ratio`` (0-100) of their names, or 0 below the threshold.
    """

    candidate: Mapping[str, Any]
    same_registration_number: bool
    name_similarity: float


@dataclass
class DuplicateIndex:
    """The entries to compare new ones with, normalised once.

    Build it from the registry's candidates of the countries concerned (one query, see
    :func:`registry_candidates`), then ask :meth:`likely_duplicates` for each new entry; add
    the new entries with :meth:`add` to find duplicates within a file as well. A mapping needs
    ``name`` and ``country``; ``local_name`` and ``registration_number`` are used when present.
    """

    threshold: float = NAME_SIMILARITY_THRESHOLD
    _candidates: list[Mapping[str, Any]] = field(default_factory=list)
    #: country → [(normalised name, index of its candidate)]
    _names: dict[str, tuple[list[str], list[int]]] = field(default_factory=dict)
    #: (country, normalised registration number) → indexes of candidates
    _numbers: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, candidates: Iterable[Mapping[str, Any]], threshold: float = NAME_SIMILARITY_THRESHOLD
    ) -> DuplicateIndex:
        index = cls(threshold=threshold)
        for candidate in candidates:
            index.add(candidate)
        return index

    def add(self, candidate: Mapping[str, Any]) -> None:
        position = len(self._candidates)
        self._candidates.append(candidate)
        country = _country(candidate)
        names, owners = self._names.setdefault(country, ([], []))
        for name in _names_of(candidate):
            names.append(name)
            owners.append(position)
        number = normalise_registration_number(candidate.get("registration_number") or "")
        if number:
            self._numbers.setdefault((country, number), []).append(position)

    def likely_duplicates(self, entry: Mapping[str, Any]) -> list[LikelyDuplicate]:
        """The candidates of ``entry``'s country that look like it, the likeliest first."""
        country = _country(entry)
        same_number: set[int] = set()
        number = normalise_registration_number(entry.get("registration_number") or "")
        if number:
            same_number.update(self._numbers.get((country, number), ()))
        similarity: dict[int, float] = {}
        names, owners = self._names.get(country, ([], []))
        if names:
            for name in _names_of(entry):
                for _, score, position in process.extract(
                    name,
                    names,
                    scorer=fuzz.token_sort_ratio,
                    score_cutoff=self.threshold,
                    limit=None,
                ):
                    owner = owners[position]
                    similarity[owner] = max(similarity.get(owner, 0.0), score)
        found = [
            LikelyDuplicate(
                candidate=self._candidates[position],
                same_registration_number=position in same_number,
                name_similarity=round(similarity.get(position, 0.0), 1),
            )
            for position in same_number | similarity.keys()
        ]
        found.sort(key=lambda d: (not d.same_registration_number, -d.name_similarity))
        return found


def likely_duplicates(
    entry: Mapping[str, Any],
    candidates: Iterable[Mapping[str, Any]],
    threshold: float = NAME_SIMILARITY_THRESHOLD,
) -> list[LikelyDuplicate]:
    """The ``candidates`` that look like ``entry`` (same country; same registration number,
    or names alike). For many entries at once, build one :class:`DuplicateIndex`."""
    return DuplicateIndex.of(candidates, threshold).likely_duplicates(entry)


def _country(mapping: Mapping[str, Any]) -> str:
    return (mapping.get("country") or "").strip().upper()


def _names_of(mapping: Mapping[str, Any]) -> list[str]:
    names = (normalise_name(mapping.get(key) or "") for key in ("name", "local_name"))
    return list(dict.fromkeys(name for name in names if name))


#: The fields of a candidate that the pages show beside a likely duplicate.
CANDIDATE_FIELDS = (
    "pk",
    "name",
    "local_name",
    "registration_number",
    "country",
    "province",
    "organisation__name",
)


def registry_candidates(user: Any, countries: Sequence[str]) -> list[dict[str, Any]]:
    """The registry's entries of ``countries`` that ``user`` may see, as plain mappings (one
    query), to build a :class:`DuplicateIndex` from."""
    from cleanprod.web.enterprises.models import Enterprise

    countries = sorted({(country or "").upper() for country in countries if country})
    if not countries:
        return []
    return list(
        Enterprise.objects.restrict(user)
        .filter(country__in=countries)
        .order_by()
        .values(*CANDIDATE_FIELDS)
    )
