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
from cleanprod.services.documents import document_json, option_rows, results_of, summary_of
from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion


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
    """The results of a document, or why there are none."""

    summary: dict[str, Any]
    options: list[dict[str, Any]]
    problem: str


def compute(document: Document) -> Computed:
    """The key figures and option rows of a document; a document whose balance cannot be
    computed is still saved, with the reason in plain words."""
    try:
        results = results_of(document)
    except CleanprodError as error:
        return Computed({}, [], str(error))
    return Computed(summary_of(results), option_rows(results), "")


def save_document(
    assessment: Assessment,
    document: Document,
    user: Any,
    started_from: int,
    comment: str = "",
    source_name: str = "",
) -> AssessmentVersion:
    """Save ``document`` as the next version of ``assessment``.

    Parameters
    ----------
    started_from
        The revision the user's edit began from (0 for a new assessment).

    Raises
    ------
    EditConflict
        When another save came after ``started_from``; nothing is written.
    """
    computed = compute(document)
    data = document_json(document)
    number = started_from + 1
    with transaction.atomic():
        updated = Assessment.objects.filter(pk=assessment.pk, revision=started_from).update(
            revision=F("revision") + 1,
            document=data,
            summary=computed.summary,
            results_problem=computed.problem,
            title=document.title or assessment.title,
            updated=timezone.now(),
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
        LogEntry.objects.log_create(
            assessment,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={
                "revision": [str(started_from), str(number)],
                "title": [assessment.title, document.title or assessment.title],
                "comment": ["", comment],
            },
        )
    assessment.refresh_from_db()
    return version
