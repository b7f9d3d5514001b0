"""What the pages read for their summaries: a few queries of plain values, handed to the pure
:mod:`cleanprod.web.trainings.summaries`.

Aggregates (counts by sex, score means and distributions, comments without names) are read
over the rows of sessions the user may view (``Session.objects.restrict(user)``): they show no
person's data. Names are read only through the personal records' own filter
(``Participant.objects.restrict(user)`` ...)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cleanprod.web.trainings.models import Attendance, Evaluation, Module, Question, Score, Session
from cleanprod.web.trainings.summaries import (
    AttendanceSummary,
    EvaluationSummary,
    summarise_attendance,
    summarise_evaluations,
)


def questions_of(module: Module) -> list[Question]:
    """The evaluation questions asked after ``module``: the course's questions for every
    module and those of this module, by number."""
    return list(
        Question.objects.filter(
            Q(module=None) | Q(module=module), course_id=module.course_id
        ).order_by("number", "pk")
    )


def attendance_summary(session: Session) -> AttendanceSummary:
    """The session's list counted by sex (one query)."""
    rows = Attendance.objects.filter(session=session).values_list(
        "participant__sex", "attended", "days"
    )
    return summarise_attendance(rows, session.length_in_days)


def evaluation_summary(sessions: QuerySet, questions: list[Question]) -> EvaluationSummary:
    """The evaluations of ``sessions`` (a query of sessions the user may view) on
    ``questions`` (three queries)."""
    evaluations = Evaluation.objects.filter(session__in=sessions)
    scores = Score.objects.filter(evaluation__session__in=sessions).values_list(
        "question_id", "value"
    )
    comments = (
        evaluations.exclude(comments="")
        .order_by("-created", "-pk")
        .values_list("comments", flat=True)
    )
    return summarise_evaluations(
        [(question.pk, question.text) for question in questions],
        scores,
        evaluations.count(),
        comments,
    )


def session_evaluation_rows(sessions: QuerySet, questions: list[Question]) -> list[dict[str, Any]]:
    """For a module's summary: each session with its number of evaluations and the mean of
    its scores on ``questions`` (two queries)."""
    from django.db.models import Avg, Count

    question_ids = [question.pk for question in questions]
    means = {
        row["evaluation__session"]: row
        for row in Score.objects.filter(
            evaluation__session__in=sessions, question_id__in=question_ids
        )
        .values("evaluation__session")
        .annotate(mean=Avg("value"), answers=Count("pk"))
        .order_by()
    }
    rows = []
    for session in sessions.annotate(evaluation_count=Count("evaluations")).select_related(
        "organisation"
    ):
        row = means.get(session.pk, {})
        rows.append(
            {
                "session": session,
                "evaluations": session.evaluation_count,
                "mean": row.get("mean"),
                "answers": row.get("answers", 0),
            }
        )
    return rows
