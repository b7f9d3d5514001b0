"""The pure summaries of trainings: means, distributions, counts by sex, on small known
sets worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from numpy.testing import assert_allclose

from cleanprod.web.trainings import summaries
from cleanprod.web.trainings.summaries import (
    counts_by_sex,
    distribution,
    mean,
    standard_deviation,
    summarise_attendance,
    summarise_evaluations,
    summarise_scores,
)


def test_mean_of_nothing_is_none():
    assert mean([]) is None


def test_mean_and_standard_deviation_of_a_known_set():
    # 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32 / 7.
    values = [2, 4, 4, 4, 5, 5, 7, 9]
    assert mean(values) == 5
    assert_allclose(standard_deviation(values), (32 / 7) ** 0.5)
    assert standard_deviation([3]) is None


def test_distribution_counts_every_score_of_the_scale():
    assert distribution([5, 4, 4, 1]) == {1: 1, 2: 0, 3: 0, 4: 2, 5: 1}
    assert distribution([]) == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}


def test_distribution_refuses_a_score_off_the_scale():
    with pytest.raises(ValueError, match="not a score"):
        distribution([6])


def test_score_summary_shares_and_position_on_the_scale():
    summary = summarise_scores([5, 4, 4, 3])
    assert summary.responses == 4
    assert summary.mean == 4
    assert summary.shares == {1: 0.0, 2: 0.0, 3: 25.0, 4: 50.0, 5: 25.0}
    assert summary.mean_share == 75.0  # 4 is three quarters of the way from 1 to 5
    empty = summarise_scores([])
    assert empty.mean is None and empty.mean_share == 0.0
    assert empty.shares == dict.fromkeys(summaries.SCALE, 0.0)


def test_evaluation_summary_of_a_small_known_set():
    """Three forms; question A scored 5, 4, 4; question B scored 2, 3 (one form left it
    empty); a score of an unknown question is left out; empty comments are left out."""
    questions = [("a", "Clear objectives"), ("b", "Good venue")]
    scores = [("a", 5), ("a", 4), ("b", 2), ("a", 4), ("b", 3), ("z", 1)]
    summary = summarise_evaluations(questions, scores, 3, ["  Very useful ", "", "   "])
    first, second = summary.questions
    assert (first.key, first.text) == ("a", "Clear objectives")
    assert first.scores.responses == 3
    assert_allclose(first.scores.mean, 13 / 3)
    assert first.scores.distribution == {1: 0, 2: 0, 3: 0, 4: 2, 5: 1}
    assert second.scores.responses == 2
    assert second.scores.mean == 2.5
    assert second.scores.distribution == {1: 0, 2: 1, 3: 1, 4: 0, 5: 0}
    assert summary.evaluations == 3
    assert summary.overall.responses == 5
    assert_allclose(summary.overall.mean, 18 / 5)
    assert summary.comments == ["Very useful"]


def test_evaluation_summary_without_answers():
    summary = summarise_evaluations([("a", "Question")], [], 0)
    assert summary.overall.responses == 0
    assert summary.questions[0].scores.mean is None


def test_counts_by_sex():
    counts = counts_by_sex(["female", "male", "female", "not-stated", "unknown", "other"])
    assert counts.by_sex == {"female": 2, "male": 1, "other": 1, "not-stated": 2}
    assert counts.total == 6
    assert (counts.female, counts.male) == (2, 1)
    # Women's share of those whose sex is stated: 2 of 4.
    assert counts.female_share == 50.0
    assert counts_by_sex(["not-stated"]).female_share is None
    assert [sex for sex, _ in counts.rows()] == list(summaries.SEXES)


def test_attendance_summary_counts_person_days():
    rows = [
        ("female", True, None),  # the whole session: 3 days
        ("male", True, Decimal("2.5")),
        ("female", True, 1),
        ("not-stated", False, None),
    ]
    summary = summarise_attendance(rows, session_days=3)
    assert summary.registered.total == 4
    assert summary.attended.by_sex == {"female": 2, "male": 1, "other": 0, "not-stated": 0}
    assert summary.person_days == Decimal("6.5")


def test_sex_categories_are_those_of_the_model():
    from cleanprod.web.trainings.choices import SCORES, Sex

    assert tuple(Sex.values) == summaries.SEXES
    assert SCORES == summaries.SCALE
