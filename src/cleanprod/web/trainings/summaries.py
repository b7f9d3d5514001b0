"""Summaries of trainings: evaluation scores (mean, distribution, number of responses) and
attendance counted by sex, for the pages, the charts and the session report.

Pure: plain values in (tuples read from the database by the views), plain values out; no ORM,
no Django. Programme indicators are sex-disaggregated ("of the 120 trainees, 46 women"), so
every count of people is given by sex, with the categories of
:class:`cleanprod.web.trainings.choices.Sex`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

#: The scale of an evaluation question, 1 (poor) to 5 (excellent).
SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)
#: The sex categories, in the order the pages show them (the values of ``Sex``).
SEXES: tuple[str, ...] = ("female", "male", "other", "not-stated")


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean of ``values``; None when there are none."""
    items = list(values)
    if not items:
        return None
    return math.fsum(items) / len(items)


def standard_deviation(values: Iterable[float]) -> float | None:
    """The sample standard deviation (n − 1) of ``values``; None for fewer than two."""
    items = list(values)
    if len(items) < 2:
        return None
    centre = math.fsum(items) / len(items)
    return math.sqrt(math.fsum((value - centre) ** 2 for value in items) / (len(items) - 1))


def distribution(values: Iterable[int], scale: Sequence[int] = SCALE) -> dict[int, int]:
    """How many of ``values`` are each score of ``scale`` (every score present, 0 when none).

    Raises
    ------
    ValueError
        When a value is not a score of the scale.
    """
    counts = dict.fromkeys(scale, 0)
    for value in values:
        if value not in counts:
            raise ValueError(f"{value!r} is not a score of the scale {tuple(scale)}")
        counts[value] += 1
    return counts


@dataclass(frozen=True)
class ScoreSummary:
    """The answers to one question: how many, their mean and standard deviation, and how many
    gave each score (``distribution``) with its share of the responses [%]."""

    responses: int
    mean: float | None
    standard_deviation: float | None
    distribution: dict[int, int]

    @property
    def shares(self) -> dict[int, float]:
        """Each score's share of the responses [%]; 0 when there are none."""
        if not self.responses:
            return dict.fromkeys(self.distribution, 0.0)
        return {score: 100.0 * count / self.responses for score, count in self.distribution.items()}

    @property
    def mean_share(self) -> float:
        """The mean as a share of the scale's range [%] (1 → 0, 5 → 100), for bars."""
        if self.mean is None:
            return 0.0
        low, high = min(self.distribution), max(self.distribution)
        return 100.0 * (self.mean - low) / (high - low) if high > low else 100.0


def summarise_scores(values: Iterable[int], scale: Sequence[int] = SCALE) -> ScoreSummary:
    """The summary of the scores given to one question."""
    items = list(values)
    return ScoreSummary(
        responses=len(items),
        mean=mean(items),
        standard_deviation=standard_deviation(items),
        distribution=distribution(items, scale),
    )


@dataclass(frozen=True)
class QuestionSummary:
    """A question (its key and text) and the summary of its answers."""

    key: Hashable
    text: str
    scores: ScoreSummary


@dataclass(frozen=True)
class EvaluationSummary:
    """The evaluations of a session or a module: how many were returned, each question's
    summary, the mean of all scores, and the comments."""

    evaluations: int
    questions: list[QuestionSummary]
    overall: ScoreSummary
    comments: list[str] = field(default_factory=list)


def summarise_evaluations(
    questions: Sequence[tuple[Hashable, str]],
    scores: Iterable[tuple[Hashable, int]],
    evaluations: int,
    comments: Iterable[str] = (),
    scale: Sequence[int] = SCALE,
) -> EvaluationSummary:
    """The summary of evaluations.

    Parameters
    ----------
    questions
        ``(key, text)`` of each question, in the order to show them.
    scores
        ``(question key, score)`` of every answer; an answer to a question not in
        ``questions`` is left out.
    evaluations
        How many evaluation forms were returned (a form may leave questions unanswered).
    comments
        The free comments; empty ones are left out.
    """
    by_question: dict[Hashable, list[int]] = {key: [] for key, _ in questions}
    for key, value in scores:
        if key in by_question:
            by_question[key].append(value)
    every_score = [value for values in by_question.values() for value in values]
    return EvaluationSummary(
        evaluations=evaluations,
        questions=[
            QuestionSummary(key, text, summarise_scores(by_question[key], scale))
            for key, text in questions
        ],
        overall=summarise_scores(every_score, scale),
        comments=[text.strip() for text in comments if text and text.strip()],
    )


@dataclass(frozen=True)
class SexCounts:
    """People counted by sex: a count per category of :data:`SEXES`, and the total."""

    by_sex: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_sex.values())

    @property
    def female(self) -> int:
        return self.by_sex.get("female", 0)

    @property
    def male(self) -> int:
        return self.by_sex.get("male", 0)

    @property
    def female_share(self) -> float | None:
        """Women's share of those whose sex is stated [%]; None when nobody's is."""
        stated = self.total - self.by_sex.get("not-stated", 0)
        return 100.0 * self.female / stated if stated else None

    def rows(self) -> list[tuple[str, int]]:
        """(sex, count) in the order of :data:`SEXES`."""
        return list(self.by_sex.items())


def counts_by_sex(sexes: Iterable[str], categories: Sequence[str] = SEXES) -> SexCounts:
    """How many people of each sex; a value outside ``categories`` counts as not stated."""
    counts = dict.fromkeys(categories, 0)
    fallback = "not-stated" if "not-stated" in counts else categories[-1]
    for sex in sexes:
        counts[sex if sex in counts else fallback] += 1
    return SexCounts(counts)


@dataclass(frozen=True)
class AttendanceSummary:
    """A session's list counted by sex: those on it (invited or registered), those who
    attended, and the person-days of attendance."""

    registered: SexCounts
    attended: SexCounts
    person_days: Decimal


def summarise_attendance(
    rows: Iterable[tuple[str, bool, Decimal | float | int | None]],
    session_days: int | None = None,
    categories: Sequence[str] = SEXES,
) -> AttendanceSummary:
    """The summary of a session's attendance.

    Parameters
    ----------
    rows
        ``(sex, attended, days)`` of each person on the list.
    session_days
        The session's length [days]: the days of one who attended without their days written.
    """
    registered: list[str] = []
    attended: list[str] = []
    person_days = Decimal(0)
    for sex, was_there, days in rows:
        registered.append(sex)
        if not was_there:
            continue
        attended.append(sex)
        if days is not None:
            person_days += Decimal(str(days))
        elif session_days is not None:
            person_days += session_days
    return AttendanceSummary(
        registered=counts_by_sex(registered, categories),
        attended=counts_by_sex(attended, categories),
        person_days=person_days,
    )
