"""Trainings' records and their rules: the default course, the organisation-based filter
(who sees and changes courses, sessions, participants' personal data), the models' own
invariants, and the audit trail.

:func:`make_training` builds a small known training (also used by the other test_training*
files and by the page matrix of test_page_permissions.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cleanprod.web.permissions import (
    Action,
    _through_many,
    can_run_trainings,
    is_permitted,
    organisation_condition,
    sees_personal_data,
)
from cleanprod.web.trainings import defaults
from cleanprod.web.trainings.defaults import create_default_course
from cleanprod.web.trainings.models import (
    Assignment,
    Attendance,
    Course,
    Evaluation,
    Module,
    Participant,
    Question,
    Score,
    Session,
)

ROLES = (
    "centre_admin",
    "consultant",
    "assigned_consultant",
    "other_consultant",
    "enterprise_user",
    "other_enterprise_user",
    "programme_viewer",
    "superuser",
)
#: The staff of the Lao centre (which runs the training) and the superuser.
TRAINERS = {"centre_admin", "consultant", "superuser"}


def make_training(organisation: Any, enterprise: Any, assessment: Any = None) -> SimpleNamespace:
    """The default course run by ``organisation``, a three-day session of module 1 in
    Vientiane with four participants on its list (two women, one man, one not stated; three
    attended), and, given an assessment, one in-plant assignment on it."""
    from cleanprod.web.accounts.models import Organisation

    course = create_default_course(organisation)
    module = course.modules.get(number=1)
    session = Session.objects.create(
        module=module,
        start_date=datetime.date(2007, 3, 5),
        end_date=datetime.date(2007, 3, 7),
        place="Lao Plaza Hotel",
        province="Vientiane Capital",
        country="LA",
        organisation=organisation,
        trainer_names="Tran Van Nhan\nNguyen Hong Long",
    )
    partner = Organisation.objects.filter(short_name="LNCCI").first()
    people = [
        Participant.objects.create(
            name="Souksavanh Phommachanh",
            sex="female",
            position="Production manager",
            enterprise=enterprise,
            email="souksavanh@example.com",
            registered_by=organisation,
        ),
        Participant.objects.create(
            name="Bounmy Keomany",
            sex="male",
            position="Engineer",
            organisation=partner,
            registered_by=organisation,
        ),
        Participant.objects.create(
            name="Nguyễn Thị Lan", sex="female", position="Lecturer", registered_by=organisation
        ),
        Participant.objects.create(name="Chanthala Sy", registered_by=organisation),
    ]
    attended = [(True, None), (True, Decimal("2.5")), (True, None), (False, None)]
    for person, (was_there, days) in zip(people, attended, strict=True):
        Attendance.objects.create(
            session=session, participant=person, attended=was_there, days=days
        )
    assignment = None
    if assessment is not None:
        assignment = Assignment.objects.create(
            module=module,
            session=session,
            title="Group 2: soft drinks",
            tasks="Baseline data, flow diagram, material balance",
            assessment=assessment,
            due_date=datetime.date(2007, 4, 2),
        )
        assignment.participants.set(people[:2])
    return SimpleNamespace(
        course=course,
        module=module,
        session=session,
        participants=people,
        participant=people[0],
        assignment=assignment,
    )


@pytest.fixture
def training(organisations, people, enterprise, assessment) -> SimpleNamespace:
    return make_training(organisations["lao"], enterprise, assessment)


# ---------------------------------------------------------------------------------------------
# The default course


def test_default_course_has_the_four_modules_of_the_lao_programme(organisations):
    course = create_default_course(organisations["lao"])
    modules = list(course.modules.order_by("number"))
    assert [module.number for module in modules] == [1, 2, 3, 4]
    assert "Material balance" in modules[0].topics
    assert "Energy balance" in modules[0].topics
    assert "CPA methodology (continued): assigning costs to waste streams" in modules[1].topics
    assert "Energy efficiency" in modules[1].topics
    assert any("Clean Development Mechanism" in topic for topic in modules[2].topics)
    assert any("Best Available Technology" in topic for topic in modules[2].topics)
    assert course.questions.count() == len(defaults.QUESTIONS)
    assert course.organisation == organisations["lao"]
    assert "module 4" in course.description


def test_default_course_is_in_the_audit_trail(organisations):
    course = create_default_course(organisations["lao"])
    logged = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Course))
    assert logged.filter(object_id=course.pk).exists()
    assert (
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Module)).count() == 4
    )


def test_each_centre_gets_its_own_copy(organisations):
    first = create_default_course(organisations["lao"])
    second = create_default_course(organisations["viet"])
    assert first.pk != second.pk
    assert Module.objects.count() == 8


# ---------------------------------------------------------------------------------------------
# The rules


@pytest.mark.parametrize("role", ROLES)
def test_every_member_views_courses_and_sessions(role, people, training):
    user = people[role]
    assert Course.objects.restrict(user).filter(pk=training.course.pk).exists()
    assert Session.objects.restrict(user).filter(pk=training.session.pk).exists()
    assert Assignment.objects.restrict(user).filter(pk=training.assignment.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_running_organisations_staff_change_a_session(role, people, training):
    assert is_permitted(people[role], Action.CHANGE, training.session) == (role in TRAINERS)
    assert is_permitted(people[role], Action.CHANGE, training.course) == (role in TRAINERS)


@pytest.mark.parametrize("role", ROLES)
def test_only_its_administrators_delete(role, people, training):
    allowed = role in {"centre_admin", "superuser"}
    assert is_permitted(people[role], Action.DELETE, training.session) == allowed


@pytest.mark.parametrize("role", ROLES)
def test_personal_data_only_for_the_running_organisations_staff(role, people, training):
    user = people[role]
    expected = role in TRAINERS
    assert Participant.objects.restrict(user).exists() == expected
    assert Attendance.objects.restrict(user).exists() == expected
    assert sees_personal_data(user, training.session) == expected


def test_signed_out_and_inactive_users_see_nothing(people, training):
    from django.contrib.auth.models import AnonymousUser

    assert not Course.objects.restrict(AnonymousUser()).exists()
    user = people["consultant"]
    user.is_active = False
    user.save()
    assert not Session.objects.restrict(user).exists()
    assert not can_run_trainings(user)


def test_staff_of_a_centre_running_a_session_see_its_participants_once(
    organisations, people, training, make_user
):
    """A participant recorded by the Lao centre on two sessions of the Viet centre is seen by
    the Viet staff, once (the rule goes through a one-to-many relation)."""
    viet = organisations["viet"]
    person = training.participants[0]
    for day in (1, 20):
        session = Session.objects.create(
            module=training.module,
            start_date=datetime.date(2008, 5, day),
            end_date=datetime.date(2008, 5, day + 1),
            country="VN",
            organisation=viet,
        )
        Attendance.objects.create(session=session, participant=person)
    seen = list(Participant.objects.restrict(people["other_consultant"]))
    assert seen == [person]
    assert is_permitted(people["other_consultant"], Action.CHANGE, person)
    # Their session's staff do not see the Lao session's other participants.
    assert not Attendance.objects.restrict(people["other_consultant"]).filter(
        session=training.session
    )


def test_the_rule_becomes_a_subquery_through_one_to_many_relations():
    assert _through_many(Participant, "attendances__session__organisation")
    assert not _through_many(Attendance, "session__organisation")
    assert not _through_many(Participant, "registered_by")


def test_a_user_without_a_profile_may_do_nothing(db, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    assert organisation_condition(user, Action.VIEW) == organisation_condition(None, "view")
    assert not can_run_trainings(user)


def test_who_runs_trainings(people):
    runs = {role for role in ROLES if can_run_trainings(people[role])}
    assert runs == {
        "centre_admin",
        "consultant",
        "assigned_consultant",
        "other_consultant",
        "superuser",
    }


# ---------------------------------------------------------------------------------------------
# The models' invariants


def test_a_participant_comes_from_an_organisation_or_an_enterprise_not_both(
    organisations, enterprise
):
    participant = Participant(
        name="Two Places",
        organisation=organisations["partner"],
        enterprise=enterprise,
        registered_by=organisations["lao"],
    )
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert "enterprise" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        participant.save()


def test_days_attended_cannot_exceed_the_session(training):
    attendance = Attendance.objects.get(
        session=training.session, participant=training.participants[0]
    )
    attendance.days = Decimal("4")
    with pytest.raises(ValidationError) as error:
        attendance.full_clean()
    assert "days" in error.value.message_dict
    attendance.days = Decimal("3")
    attendance.full_clean()


def test_a_session_ends_after_it_starts(training):
    session = training.session
    session.end_date = session.start_date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "end_date" in error.value.message_dict


def test_scores_are_on_the_scale_of_one_to_five(training):
    evaluation = Evaluation.objects.create(session=training.session)
    question = Question.objects.filter(course=training.course).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(evaluation=evaluation, question=question, value=6)
    with pytest.raises(ValidationError):
        Score(evaluation=evaluation, question=question, value=0).full_clean()


def test_one_evaluation_per_participant_any_number_anonymous(training):
    person = training.participants[0]
    Evaluation.objects.create(session=training.session, participant=person)
    Evaluation.objects.create(session=training.session)
    Evaluation.objects.create(session=training.session)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(session=training.session, participant=person)


def test_an_assignment_of_a_session_is_of_its_module(training):
    assignment = training.assignment
    assignment.module = training.course.modules.get(number=2)
    with pytest.raises(ValidationError) as error:
        assignment.full_clean()
    assert "module" in error.value.message_dict


def test_participants_search_text_folds_accents(training):
    person = Participant.objects.get(name="Nguyễn Thị Lan")
    assert "nguyen thi lan" in person.search_text


def test_changes_are_in_the_audit_trail_with_before_and_after(training):
    attendance = Attendance.objects.get(
        session=training.session, participant=training.participants[3]
    )
    attendance.attended = True
    attendance.save()
    entry = LogEntry.objects.get_for_object(attendance).order_by("-timestamp").first()
    assert entry.changes_dict["attended"] == ["False", "True"]
    assert LogEntry.objects.get_for_object(training.participants[0]).exists()
