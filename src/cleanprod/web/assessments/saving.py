"""Saving an assessment's document: every save a version, and no save lost to another.

A save says which revision it started from. The assessment's row is updated only if that is
still its revision (one conditional UPDATE, atomic on SQLite and PostgreSQL alike); otherwise
:class:`EditConflict` tells who saved in between, and nothing is written. The results are
computed before the transaction, from the core, and kept with the version: the key figures on
the assessment (``summary``) and one row per option.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cleanprod.errors import CleanprodError
from cleanprod.model import Assessment as Document
from cleanprod.services.documents import (
    document_json,
    option_rows,
    plain,
    results_of,
    summary_of,
)
from cleanprod.web.accounts.choices import STAFF_ROLES
from cleanprod.web.assessments.choices import Stage
from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion
from cleanprod.web.permissions import profile_of


class EditConflict(CleanprodError):
    """Somebody else saved the assessment since this edit began."""

    def __init__(self, assessment: Assessment, started_from: int):
        latest = assessment.versions.order_by("-number").select_related("saved_by").first()
        who = latest.saved_by.get_username() if latest and latest.saved_by else _("somebody")
        when = timezone.localtime(latest.saved_at).strftime("%Y-%m-%d %H:%M") if latest else ""
        self.latest = latest
        super().__init__(
            _(
                "%(who)s saved version %(number)s of this assessment at %(when)s, after you "
                "opened version %(started)s. Your changes were not saved: open the latest "
                "version, compare it with yours, and make your changes again."
            )
            % {
                "who": who,
                "number": latest.number if latest else "?",
                "when": when,
                "started": started_from,
            }
        )


@dataclass(frozen=True)
class Computed:
    """The results of a document, or why there are none; ``results`` is everything the
    results page shows (kept in the cache once saved)."""

    summary: dict[str, Any]
    options: list[dict[str, Any]]
    problem: str
    results: dict[str, Any] | None = None


def compute(document: Document) -> Computed:
    """The key figures and option rows of a document; a document whose balance cannot be
    computed is still saved, with the reason in plain words."""
    try:
        results = results_of(document)
    except CleanprodError as error:
        return Computed({}, [], str(error))
    return Computed(summary_with_layers(results), option_rows(results), "", results)


def summary_with_layers(results: dict[str, Any]) -> dict[str, Any]:
    """The key figures of :func:`summary_of`, with what the assessment's page says of each
    layer's balance without computing anything: its name, its degrees of freedom (none: it
    cannot be checked) and the names of its suspect figures."""
    summary = summary_of(results)
    for layer_id, layer in (results.get("layers") or {}).items():
        entry = summary.get("layers", {}).get(layer_id)
        if entry is None:
            continue
        entry["name"] = layer.get("name")
        entry["dof"] = plain(layer.get("dof"))
        entry["suspect_names"] = [
            suspect.get("name") or suspect.get("flow") for suspect in layer.get("suspects") or []
        ]
    return summary


def save_document(
    assessment: Assessment,
    document: Document,
    user: Any,
    started_from: int,
    comment: str = "",
    source_name: str = "",
    fields: dict[str, Any] | None = None,
) -> AssessmentVersion:
    """Save ``document`` as the next version of ``assessment``.

    Parameters
    ----------
    started_from
        The revision the user's edit began from (0 for a new assessment).
    fields
        Other fields of the assessment to change in the same save (``stage``, ``year``).

    Raises
    ------
    EditConflict
        When another save came after ``started_from``; nothing is written.
    """
    computed = compute(document)
    with transaction.atomic():
        version = _write_version(
            assessment, document, computed, user, started_from, comment, source_name, fields
        )
    assessment.refresh_from_db()
    _keep_results(assessment, computed)
    return version


def create_assessment(
    enterprise: Any,
    document: Document,
    user: Any,
    *,
    title: str = "",
    year: int | None = None,
    stage: str | None = None,
    comment: str = "",
    source_name: str = "",
) -> Assessment:
    """A new assessment of ``enterprise`` with ``document`` as its version 1, in one
    transaction (the results are computed first, outside it): nothing is left half made."""
    computed = compute(document)
    profile = profile_of(user)
    leads = getattr(user, "is_superuser", False) or (
        profile is not None and profile.role in STAFF_ROLES
    )
    with transaction.atomic():
        assessment = Assessment.objects.create(
            enterprise=enterprise,
            title=(title or document.title or enterprise.name)[:300],
            year=year if year is not None else document.period.start.year,
            stage=stage or Stage.BASELINE,
            lead_consultant=user if leads else None,
        )
        _write_version(assessment, document, computed, user, 0, comment, source_name, None)
    assessment.refresh_from_db()
    _keep_results(assessment, computed)
    return assessment


def _write_version(
    assessment: Assessment,
    document: Document,
    computed: Computed,
    user: Any,
    started_from: int,
    comment: str,
    source_name: str,
    fields: dict[str, Any] | None,
) -> AssessmentVersion:
    """The conditional update, the version, the option rows and the audit entry (inside the
    caller's transaction)."""
    data = document_json(document)
    number = started_from + 1
    fields = dict(fields or {})
    title = document.title or assessment.title
    updated = Assessment.objects.filter(pk=assessment.pk, revision=started_from).update(
        revision=F("revision") + 1,
        document=data,
        summary=computed.summary,
        results_problem=computed.problem,
        title=title,
        updated=timezone.now(),
        **fields,
    )
    if updated != 1:
        raise EditConflict(assessment, started_from)
    version = AssessmentVersion.objects.create(
        assessment=assessment,
        number=number,
        document=data,
        saved_by=user if getattr(user, "is_authenticated", False) else None,
        comment=comment,
        source_name=source_name,
    )
    AssessmentOption.objects.filter(assessment=assessment).delete()
    AssessmentOption.objects.bulk_create(
        AssessmentOption(assessment=assessment, **row) for row in computed.options
    )
    # The conditional UPDATE bypasses the model's signals: the audit trail is told here.
    changes = {
        "revision": [str(started_from), str(number)],
        "title": [assessment.title, title],
        "comment": ["", comment],
    }
    for name, value in fields.items():
        before = getattr(assessment, name, None)
        if before != value:
            changes[name] = [str(before), str(value)]
    LogEntry.objects.log_create(
        assessment, force_log=True, action=LogEntry.Action.UPDATE, changes=changes
    )
    return version


def _keep_results(assessment: Assessment, computed: Computed) -> None:
    """The results just computed, kept for the results page of this revision."""
    if computed.results is not None:
        from cleanprod.web.assessments.results import keep_results

        keep_results(assessment, computed.results)
