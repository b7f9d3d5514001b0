"""A session's list of participants from a spreadsheet (.xlsx or CSV): every row checked, the
problems reported row by row (row, column, value, what is wrong, what to do), and nothing
written when any row is refused.

Done in two steps, as the registry's import (:mod:`cleanprod.web.enterprises.transfer`):
:func:`check_import` reads every row, matches its organisation or enterprise by name (case-
and accent-blind; an enterprise also by its registration number) and finds the likely
duplicates — the same name from the same organisation or enterprise, earlier in the file (a
problem) or among the participants already recorded (linked to them, or recorded as new
people, as the user chooses); :func:`import_checked` writes a check that was not refused, one
record at a time (the audit trail logs each), in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cleanprod.web.accounts.models import Organisation
from cleanprod.web.enterprises.duplicates import fold, normalise_name
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.enterprises.spreadsheet import Table
from cleanprod.web.enterprises.transfer import (
    Problem,
    cell_text,
    header_key,
    header_of,
    read_headers,
)
from cleanprod.web.trainings.choices import Sex
from cleanprod.web.trainings.models import Attendance, Participant, Session

#: The columns, in the order of the template.
COLUMNS = (
    "name",
    "sex",
    "position",
    "organisation",
    "enterprise",
    "email",
    "phone",
    "attended",
    "days",
)
REQUIRED = ("name",)

#: Other names a column may have in a file (compared case-, space- and accent-blind), besides
#: its own name and its label in English and in the page's language.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "participant",
        "participant name",
        "full name",
        "trainee",
        "họ và tên",
        "họ tên",
        "ຊື່",
        "ຊື່ ແລະ ນາມສະກຸນ",
        "ឈ្មោះ",
    ),
    "sex": ("gender", "giới tính", "ເພດ", "ភេទ"),
    "position": ("job title", "function", "title", "chức vụ", "ຕຳແໜ່ງ", "តួនាទី"),
    "organisation": (
        "organization",
        "organisation or enterprise",
        "organization or enterprise",
        "employer",
        "workplace",
        "agency",
        "institution",
        "cơ quan",
        "đơn vị",
        "ອົງການ",
        "ស្ថាប័ន",
    ),
    "enterprise": (
        "company",
        "enterprise name",
        "company name",
        "doanh nghiệp",
        "công ty",
        "ວິສາຫະກິດ",
        "ບໍລິສັດ",
        "សហគ្រាស",
        "ក្រុមហ៊ុន",
    ),
    "email": ("e-mail", "e mail", "mail"),
    "phone": ("telephone", "tel", "mobile", "điện thoại", "ໂທລະສັບ", "ទូរស័ព្ទ"),
    "attended": ("present", "attendance", "có mặt", "ເຂົ້າຮ່ວມ", "វត្តមាន"),
    "days": ("days attended", "number of days", "số ngày", "ຈຳນວນວັນ", "ចំនួនថ្ងៃ"),
}

#: How a sex may be written (folded), besides the values and labels of ``Sex``.
SEX_WORDS = {
    Sex.FEMALE: ("f", "w", "woman", "women", "nu", "ຍິງ", "ເພດຍິງ", "ស្រី"),
    Sex.MALE: ("m", "man", "men", "nam", "ຊາຍ", "ເພດຊາຍ", "ប្រុស"),
    Sex.OTHER: ("khac", "ອື່ນໆ", "ផ្សេងទៀត"),
    Sex.NOT_STATED: ("not stated", "unknown", "n/a", "na", "-", "prefer not to say"),
}
YES = ("yes", "y", "x", "1", "true", "✓", "✔", "co", "attended", "present", "ແມ່ນ", "បាទ", "ចាស")
NO = ("no", "n", "0", "false", "khong", "absent", "ບໍ່", "ទេ")

#: What to do about a wrong value, by column.
REMEDIES: dict[str, Promise] = {
    "name": gettext_lazy("Write the participant's full name."),
    "sex": gettext_lazy(
        "Write female, male, other or not stated (or F, M), or leave it empty if not stated."
    ),
    "organisation": gettext_lazy(
        "Write the name of an organisation of the platform or of an enterprise of the registry "
        "as it is registered, or register it first; leave it empty if unknown."
    ),
    "enterprise": gettext_lazy(
        "Write the enterprise's name (or registration number) as in the registry, or register "
        "the enterprise first."
    ),
    "email": gettext_lazy("Write one address such as name@example.com, or leave it empty."),
    "attended": gettext_lazy("Write yes or no (or 1 or 0, or x for yes), or leave it empty."),
    "days": gettext_lazy(
        "Write the number of days attended (e.g. 3 or 2.5), at most the session's length, or "
        "leave it empty."
    ),
}
DEFAULT_REMEDY = gettext_lazy("Correct the value in the file and upload it again.")

#: The template's example row: an import that still holds it is refused.
EXAMPLE = {
    "name": "Example Participant",
    "sex": "female",
    "position": "Production manager",
    "organisation": "",
    "enterprise": "Example Soft Drinks Co., Ltd",
    "email": "participant@example.com",
    "phone": "+856 20 0000 0000",
    "attended": "yes",
    "days": 3,
}


class DuplicateChoice:
    """What to do with a row like a participant already recorded."""

    ASK = ""
    LINK = "link"
    NEW = "new"


@dataclass(frozen=True)
class Match:
    """The organisation or the enterprise a row's participant comes from."""

    kind: str  # "organisation" or "enterprise"
    pk: int
    name: str


@dataclass
class Entry:
    """A row read: its number, the participant's fields, and the attendance."""

    row: int
    name: str
    sex: str
    position: str
    email: str
    phone: str
    affiliation: Match | None
    attended: bool
    days: Decimal | None
    #: A participant already recorded with the same name and affiliation (pk, name).
    existing: dict[str, Any] | None = None


@dataclass(frozen=True)
class DuplicateFinding:
    """A row like a participant already recorded: same name, same organisation or
    enterprise."""

    row: int
    name: str
    affiliation: str
    participant: int
    on_session: bool


@dataclass
class ImportCheck:
    """What :func:`check_import` found."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[DuplicateFinding] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    choice: str = DuplicateChoice.ASK

    @property
    def refused(self) -> bool:
        """Whether nothing may be imported: a problem, or likely duplicates with no choice."""
        return bool(self.problems) or (
            bool(self.duplicates) and self.choice not in (DuplicateChoice.LINK, DuplicateChoice.NEW)
        )


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_checked` wrote."""

    participants_created: int
    participants_linked: int
    attendances_added: int
    attendances_updated: int


# ---------------------------------------------------------------------------------------------
# Reading cells


def column_names() -> dict[str, str]:
    """Every header a file may use for each column → the column."""
    names: dict[str, str] = {}
    for key in COLUMNS:
        spellings: list[str] = [key, *ALIASES.get(key, ())]
        if key in {f.name for f in Participant._meta.get_fields()}:
            label = Participant._meta.get_field(key).verbose_name
            with translation.override("en"):
                spellings.append(str(label))
            spellings.append(str(label))
        elif key in {"attended", "days"}:
            label = Attendance._meta.get_field(key).verbose_name
            with translation.override("en"):
                spellings.append(str(label))
            spellings.append(str(label))
        for spelling in spellings:
            names.setdefault(header_key(spelling), key)
    return names


def parse_sex(text: str) -> str | None:
    """A sex from a cell ("F", "Female", "nữ", "ຍິງ" ...); not stated when empty; None when
    it is none of them."""
    folded = fold(text)
    if not folded:
        return Sex.NOT_STATED
    for value, label in Sex.choices:
        with translation.override("en"):
            english = str(label)
        if folded in {fold(value), fold(str(label)), fold(english)}:
            return value
    for value, words in SEX_WORDS.items():
        if folded in {fold(word) for word in words}:
            return value
    return None


def parse_attended(cell: Any) -> bool | None:
    """Whether a cell says the participant attended: yes/no, 1/0, x, TRUE/FALSE; no when
    empty; None when it says neither."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    folded = fold(cell_text(cell))
    if not folded:
        return False
    if folded in {fold(word) for word in YES}:
        return True
    if folded in {fold(word) for word in NO}:
        return False
    return None


def parse_days(cell: Any) -> Decimal:
    """A number of days from a cell (3, "2.5", "2,5"), to one decimal place. Raises
    ValueError."""
    if isinstance(cell, bool):
        raise ValueError(cell)
    text = cell_text(cell)
    if isinstance(cell, str) and "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.1")):
        raise ValueError(text)
    return value.quantize(Decimal("0.1"))


# ---------------------------------------------------------------------------------------------
# Matching organisations and enterprises by name


@dataclass
class Affiliations:
    """The organisations of the platform and the enterprises of the registry a user sees,
    indexed by folded name (and by name without legal forms, and registration number)."""

    organisations: dict[str, list[Match]] = field(default_factory=dict)
    enterprises: dict[str, list[Match]] = field(default_factory=dict)

    @classmethod
    def for_user(cls, user: Any) -> Affiliations:
        index = cls()
        for pk, name, short_name in Organisation.objects.values_list("pk", "name", "short_name"):
            match = Match("organisation", pk, name)
            for key in _keys(name, short_name):
                _add(index.organisations, key, match)
        registry = Enterprise.objects.restrict(user).values_list(
            "pk", "name", "local_name", "registration_number"
        )
        for pk, name, local_name, number in registry:
            match = Match("enterprise", pk, name)
            for key in _keys(name, local_name):
                _add(index.enterprises, key, match)
            number_key = re.sub(r"[^0-9a-z]", "", fold(number))
            if number_key:
                _add(index.enterprises, f"#{number_key}", match)
        return index

    def find(self, text: str, kinds: tuple[str, ...]) -> list[Match]:
        """The organisations and/or enterprises named ``text``: by folded name first, then by
        name without legal forms, then (enterprises) by registration number."""
        tables = [getattr(self, f"{kind}s") for kind in kinds]
        exact = fold(text)
        loose = normalise_name(text)
        number = re.sub(r"[^0-9a-z]", "", exact)
        for key in (exact, loose, f"#{number}" if number else None):
            if not key:
                continue
            found: list[Match] = []
            for table in tables:
                found.extend(table.get(key, ()))
            if found:
                return list(dict.fromkeys(found))
        return []


def _keys(*names: str) -> set[str]:
    keys = set()
    for name in names:
        if name:
            keys.add(fold(name))
            loose = normalise_name(name)
            if loose:
                keys.add(loose)
    return keys


def _add(table: dict[str, list[Match]], key: str, match: Match) -> None:
    matches = table.setdefault(key, [])
    if match not in matches:
        matches.append(match)


# ---------------------------------------------------------------------------------------------
# Checking a file


def check_import(
    table: Table, session: Session, user: Any, choice: str = DuplicateChoice.ASK
) -> ImportCheck:
    """Every row of ``table`` checked as a participant on ``session``'s list."""
    check = ImportCheck(rows=len(table.rows), choice=choice)
    columns = _columns_of(table.headers, check.problems)
    if check.problems:
        return check
    if not table.rows:
        check.problems.append(
            Problem(
                None,
                "",
                "",
                _("The file has a header row but no participants under it."),
                _("Write one participant per row under the header row."),
            )
        )
        return check
    affiliations = Affiliations.for_user(user)
    length = session.length_in_days
    seen: dict[tuple[str, Match | None], int] = {}
    for number, cells in table.rows:
        entry = _entry_of_row(number, cells, columns, affiliations, length, check.problems)
        if entry is None:
            continue
        key = (fold(entry.name), entry.affiliation)
        if key in seen:
            check.problems.append(
                Problem(
                    number,
                    header_of("name", columns),
                    entry.name,
                    _("Row %(row)s repeats row %(earlier)s: the same name from the same place.")
                    % {"row": number, "earlier": seen[key]},
                    _("Delete one of the two rows, or tell the two people apart by their names."),
                )
            )
            continue
        seen[key] = number
        check.entries.append(entry)
    _find_recorded(check, session, user)
    return check


def _columns_of(headers: list[str], problems: list[Problem]) -> dict[int, tuple[str, str]]:
    """Column index → (column, header as written, with its letter)."""
    columns, seen = read_headers(
        headers,
        column_names(),
        gettext_lazy("'%(header)s' is not a column of a participant list."),
        COLUMNS,
        problems,
    )
    if "name" not in seen:
        problems.append(
            Problem(
                1,
                "name",
                "",
                _("The file has no column of the participants' names."),
                _("Add a column headed 'name' (see the template)."),
            )
        )
    return columns


def _entry_of_row(
    number: int,
    cells: list[Any],
    columns: Mapping[int, tuple[str, str]],
    affiliations: Affiliations,
    session_days: int | None,
    problems: list[Problem],
) -> Entry | None:
    """The entry of one row, or None when it has a problem (each one reported)."""
    found = len(problems)
    raw: dict[str, Any] = {key: cells[index] for index, (key, _header) in columns.items()}
    text = {key: cell_text(value) for key, value in raw.items()}
    headers = {key: header for key, header in columns.values()}

    def refuse(key: str, message: str) -> None:
        problems.append(
            Problem(
                number,
                headers.get(key, key),
                text.get(key, "")[:80],
                message,
                str(REMEDIES.get(key, DEFAULT_REMEDY)),
            )
        )

    name = " ".join(text.get("name", "").split())
    if not name:
        refuse("name", _("The name is empty."))
    elif len(name) > Participant._meta.get_field("name").max_length:
        refuse("name", _("The name is longer than 150 characters."))

    sex = parse_sex(text.get("sex", ""))
    if sex is None:
        refuse("sex", _("'%(value)s' is not a sex of the list.") % {"value": text["sex"]})

    affiliation: Match | None = None
    organisation_text = text.get("organisation", "")
    enterprise_text = text.get("enterprise", "")
    if organisation_text and enterprise_text:
        refuse(
            "enterprise",
            _("Both an organisation and an enterprise are given: a participant comes from one."),
        )
    elif organisation_text:
        affiliation = _one_match(
            affiliations.find(organisation_text, ("organisation", "enterprise")),
            "organisation",
            organisation_text,
            refuse,
        )
    elif enterprise_text:
        affiliation = _one_match(
            affiliations.find(enterprise_text, ("enterprise",)),
            "enterprise",
            enterprise_text,
            refuse,
        )

    email = text.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            refuse("email", _("'%(value)s' is not an email address.") % {"value": email})

    attended = parse_attended(raw.get("attended"))
    if attended is None:
        refuse("attended", _("'%(value)s' is neither yes nor no.") % {"value": text["attended"]})

    days: Decimal | None = None
    if text.get("days"):
        try:
            days = parse_days(raw["days"])
        except ValueError:
            refuse(
                "days",
                _("'%(value)s' is not a number of days (0 or more, in tenths at most).")
                % {"value": text["days"]},
            )
        else:
            if session_days is not None and days > session_days:
                refuse(
                    "days",
                    _("The session lasts %(length)s days: %(value)s is more.")
                    % {"length": session_days, "value": text["days"]},
                )
            elif days > 0 and attended is False and not text.get("attended"):
                attended = True
            elif days > 0 and attended is False:
                refuse(
                    "days",
                    _("Days are given for someone who did not attend."),
                )

    if name == EXAMPLE["name"]:
        problems.append(
            Problem(
                number,
                headers.get("name", "name"),
                name,
                _("This is the template's example row."),
                _("Replace it with a participant of yours, or delete the row."),
            )
        )
    if len(problems) > found:
        return None
    for key, limit in (("position", 150), ("phone", 40)):
        if len(text.get(key, "")) > limit:
            refuse(
                key,
                _("The text is longer than %(limit)s characters.") % {"limit": limit},
            )
            return None
    return Entry(
        row=number,
        name=name,
        sex=sex or Sex.NOT_STATED,
        position=text.get("position", ""),
        email=email,
        phone=text.get("phone", ""),
        affiliation=affiliation,
        attended=bool(attended),
        days=days,
    )


def _one_match(matches: list[Match], key: str, text: str, refuse: Any) -> Match | None:
    if len(matches) == 1:
        return matches[0]
    if not matches:
        if key == "organisation":
            message = _(
                "'%(value)s' is neither an organisation of the platform nor an enterprise of "
                "the registry."
            )
        else:
            message = _("'%(value)s' is not an enterprise of the registry.")
        refuse(key, message % {"value": text})
        return None
    refuse(
        key,
        _("'%(value)s' could be any of: %(names)s.")
        % {"value": text, "names": "; ".join(match.name for match in matches[:5])},
    )
    return None


def _find_recorded(check: ImportCheck, session: Session, user: Any) -> None:
    """Marks the entries like participants already recorded (that the user may see): same
    folded name, same organisation or enterprise."""
    if not check.entries:
        return
    names = {fold(entry.name) for entry in check.entries}
    recorded: dict[tuple[str, Match | None], dict[str, Any]] = {}
    rows = (
        Participant.objects.restrict(user)
        .values("pk", "name", "organisation_id", "organisation__name", "enterprise_id")
        .order_by("pk")
    )
    on_session = set(
        Attendance.objects.filter(session=session).values_list("participant_id", flat=True)
    )
    for row in rows:
        folded = fold(row["name"])
        if folded not in names:
            continue
        if row["enterprise_id"]:
            affiliation: Match | None = Match("enterprise", row["enterprise_id"], "")
        elif row["organisation_id"]:
            affiliation = Match("organisation", row["organisation_id"], "")
        else:
            affiliation = None
        recorded.setdefault((folded, _bare(affiliation)), row)
    for entry in check.entries:
        row = recorded.get((fold(entry.name), _bare(entry.affiliation)))
        if row is None:
            continue
        entry.existing = row
        check.duplicates.append(
            DuplicateFinding(
                row=entry.row,
                name=entry.name,
                affiliation=entry.affiliation.name if entry.affiliation else "",
                participant=row["pk"],
                on_session=row["pk"] in on_session,
            )
        )


def _bare(match: Match | None) -> tuple[str, int] | None:
    return None if match is None else (match.kind, match.pk)


# ---------------------------------------------------------------------------------------------
# Writing


def import_checked(check: ImportCheck, session: Session) -> ImportResult:
    """Writes the participants and the attendance of a check that was not refused, all or
    none, one record at a time (the audit trail logs each). New participants are recorded by
    the organisation running the session."""
    if check.refused:
        raise ValueError("an import with problems or duplicates without a choice is not written")
    created = linked = added = updated = 0
    with transaction.atomic():
        attendances = {
            attendance.participant_id: attendance
            for attendance in Attendance.objects.filter(session=session)
        }
        for entry in check.entries:
            if entry.existing is not None and check.choice == DuplicateChoice.LINK:
                participant_id = entry.existing["pk"]
                linked += 1
            else:
                participant = Participant(
                    name=entry.name,
                    sex=entry.sex,
                    position=entry.position,
                    email=entry.email,
                    phone=entry.phone,
                    registered_by_id=session.organisation_id,
                )
                if entry.affiliation is not None:
                    setattr(participant, f"{entry.affiliation.kind}_id", entry.affiliation.pk)
                participant.save()
                participant_id = participant.pk
                created += 1
            attendance = attendances.get(participant_id)
            if attendance is None:
                attendance = Attendance.objects.create(
                    session=session,
                    participant_id=participant_id,
                    attended=entry.attended,
                    days=entry.days,
                )
                attendances[participant_id] = attendance
                added += 1
            elif attendance.attended != entry.attended or attendance.days != entry.days:
                attendance.attended = entry.attended
                attendance.days = entry.days
                attendance.save(update_fields=["attended", "days"])
                updated += 1
    return ImportResult(created, linked, added, updated)


# ---------------------------------------------------------------------------------------------
# The template


def template_rows() -> list[list[Any]]:
    return [[EXAMPLE[key] for key in COLUMNS]]


def choice_rows() -> list[list[str]]:
    """The allowed values of the coded columns, with their meaning, for the template."""
    rows = [["sex", value, str(label)] for value, label in Sex.choices]
    rows.append(["attended", "yes", _("Attended the session")])
    rows.append(["attended", "no", _("Was on the list but did not attend")])
    return rows


def column_help() -> list[tuple[str, Any]]:
    """Each column and what it holds, for the import page."""
    return [
        ("name", _("Required: the participant's full name.")),
        ("sex", _("female, male, other or not stated (F and M are read too); empty: not stated.")),
        ("position", _("Their position or job title.")),
        (
            "organisation",
            _(
                "The organisation (or enterprise) they come from, by its name on the platform; "
                "empty if unknown."
            ),
        ),
        (
            "enterprise",
            _("Or: the enterprise they come from, by its name or registration number."),
        ),
        ("email", _("Optional.")),
        ("phone", _("Optional.")),
        ("attended", _("yes or no; empty: no (on the list, not attended).")),
        (
            "days",
            _("Days attended, e.g. 3 or 2.5; empty: the whole session for those who attended."),
        ),
    ]
