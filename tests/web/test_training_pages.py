"""The trainings pages: what each role sees on them (counts for everyone, names for the staff
of the running organisation), the attendance form, sessions, participants, assignments,
evaluations with their summaries and charts, the session report, and constant query counts.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from test_training_models import make_training

from cleanprod.web.trainings.models import (
    Assignment,
    Attendance,
    Course,
    Evaluation,
    Participant,
    Question,
    Score,
    Session,
)

NAMES = ("Souksavanh Phommachanh", "Bounmy Keomany", "Nguyễn Thị Lan", "Chanthala Sy")


@pytest.fixture
def training(organisations, people, enterprise, assessment):
    return make_training(organisations["lao"], enterprise, assessment)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _attendance_data(session, user, changes: dict[str, tuple[bool, str]]) -> dict[str, str]:
    """The attendance form's data: every row as it is, with ``changes`` by participant name."""
    rows = list(
        Attendance.objects.restrict(user)
        .filter(session=session)
        .select_related("participant")
        .order_by("participant__name", "pk")
    )
    data = {
        "attendance-TOTAL_FORMS": str(len(rows)),
        "attendance-INITIAL_FORMS": str(len(rows)),
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        attended, days = changes.get(
            row.participant.name, (row.attended, "" if row.days is None else str(row.days))
        )
        data[f"attendance-{index}-id"] = str(row.pk)
        if attended:
            data[f"attendance-{index}-attended"] = "on"
        data[f"attendance-{index}-days"] = days
    return data


# ---------------------------------------------------------------------------------------------
# Who sees what


@pytest.mark.parametrize(
    "role", ["assigned_consultant", "other_consultant", "enterprise_user", "programme_viewer"]
)
def test_session_pages_show_counts_but_no_names_to_others(role, people, training, client_of):
    client = client_of(people[role])
    for name in ("session", "session-report", "session-evaluations"):
        page = _page(client, reverse(f"trainings:{name}", args=[training.session.pk]))
        for person in NAMES:
            assert person not in page, (name, person)
        assert "souksavanh@example.com" not in page
    page = _page(client, reverse("trainings:session", args=[training.session.pk]))
    # Three of four attended: two women (of three on the list), one man.
    assert 'class="sex-table"' in page
    assert "Women are 67 % of those who attended" in page
    assert "Vientiane Soft Drinks Co., Ltd" in page  # the demo plant (registry data)
    page = _page(client, reverse("trainings:participants"))
    for person in NAMES:
        assert person not in page


def test_assessment_title_only_for_those_who_may_see_it(people, training, assessment, client_of):
    url = reverse("trainings:session", args=[training.session.pk])
    assert assessment.title in _page(client_of(people["consultant"]), url)
    assert assessment.title not in _page(client_of(people["programme_viewer"]), url)
    assert assessment.title not in _page(client_of(people["other_consultant"]), url)


def test_the_running_organisations_staff_see_names_and_the_form(people, training, client_of):
    page = _page(
        client_of(people["consultant"]), reverse("trainings:session", args=[training.session.pk])
    )
    for person in NAMES:
        assert person in page
    assert "attendance-TOTAL_FORMS" in page
    assert "Save the attendance" in page


def test_participants_list_searches_and_filters(people, training, client_of):
    client = client_of(people["consultant"])
    url = reverse("trainings:participants")
    page = _page(client, url + "?q=nguyen+lan")  # accents and case aside
    assert "Nguyễn Thị Lan" in page and "Bounmy" not in page
    page = _page(client, url + "?sex=male")
    assert "Bounmy Keomany" in page and "Souksavanh" not in page
    enterprise = training.participants[0].enterprise
    page = _page(client, f"{url}?enterprise={enterprise.pk}")
    assert "Souksavanh" in page and "Bounmy" not in page
    organisation = training.participants[1].organisation
    page = _page(client, f"{url}?organisation={organisation.pk}")
    assert "Bounmy" in page and "Souksavanh" not in page


# ---------------------------------------------------------------------------------------------
# Attendance


def test_attendance_of_everyone_is_recorded_at_once(people, training, client_of):
    user = people["consultant"]
    session = training.session
    data = _attendance_data(
        session,
        user,
        {
            "Chanthala Sy": (False, "2"),
            "Bounmy Keomany": (False, ""),
            "Nguyễn Thị Lan": (True, "3"),
        },
    )
    response = client_of(user).post(reverse("trainings:session", args=[session.pk]), data)
    assert response.status_code == 302
    rows = {
        a.participant.name: (a.attended, a.days)
        for a in Attendance.objects.filter(session=session).select_related("participant")
    }
    assert rows["Chanthala Sy"] == (True, Decimal("2"))  # days tick "attended"
    assert rows["Bounmy Keomany"] == (False, None)
    assert rows["Nguyễn Thị Lan"] == (True, Decimal("3"))
    assert rows["Souksavanh Phommachanh"] == (True, None)
    changed = LogEntry.objects.filter(actor=user, content_type__model="attendance")
    assert changed.count() == 3


def test_attendance_with_a_wrong_row_saves_nothing(people, training, client_of):
    user = people["consultant"]
    session = training.session
    data = _attendance_data(
        session, user, {"Chanthala Sy": (True, "2"), "Bounmy Keomany": (True, "9")}
    )
    response = client_of(user).post(reverse("trainings:session", args=[session.pk]), data)
    assert response.status_code == 200
    assert "The session lasts 3 days" in response.content.decode()
    assert not Attendance.objects.get(session=session, participant__name="Chanthala Sy").attended


def test_others_cannot_post_attendance(people, training, client_of):
    user = people["consultant"]
    data = _attendance_data(training.session, user, {"Chanthala Sy": (True, "")})
    url = reverse("trainings:session", args=[training.session.pk])
    assert client_of(people["programme_viewer"]).post(url, data).status_code == 403
    assert not Attendance.objects.get(participant__name="Chanthala Sy").attended


def test_participants_already_recorded_are_put_on_a_list(people, training, client_of):
    later = Session.objects.create(
        module=training.course.modules.get(number=2),
        start_date=datetime.date(2007, 5, 7),
        end_date=datetime.date(2007, 5, 9),
        country="LA",
        organisation=training.session.organisation,
    )
    chosen = [person.pk for person in training.participants[:3]]
    client = client_of(people["consultant"])
    response = client.post(
        reverse("trainings:session-enrol", args=[later.pk]), {"participants": chosen}
    )
    assert response.status_code == 302
    assert set(later.attendances.values_list("participant", flat=True)) == set(chosen)


# ---------------------------------------------------------------------------------------------
# Sessions and participants


def test_a_consultant_plans_a_session_for_their_organisation(people, training, client_of):
    client = client_of(people["other_consultant"])
    module = training.course.modules.get(number=2)
    data = {
        "module": module.pk,
        "start_date": "2008-06-02",
        "end_date": "2008-06-04",
        "place": "Khách sạn Hà Nội",
        "province": "Hà Nội",
        "country": "VN",
        "trainers": [people["other_consultant"].pk],
        "trainer_names": "Pramod Gupta",
    }
    response = client.post(reverse("trainings:session-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    session = Session.objects.get(place="Khách sạn Hà Nội")
    assert session.organisation.short_name == "VNCPC"
    assert list(session.trainers.all()) == [people["other_consultant"]]
    # The Viet centre runs it: the Lao staff see it, do not change it.
    url = reverse("trainings:session-edit", args=[session.pk])
    assert client_of(people["consultant"]).get(url).status_code == 403


def test_a_session_that_ends_before_it_starts_is_refused(people, training, client_of):
    data = {
        "module": training.module.pk,
        "start_date": "2008-06-04",
        "end_date": "2008-06-02",
        "country": "LA",
    }
    response = client_of(people["consultant"]).post(reverse("trainings:session-create"), data)
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()


def test_sessions_are_filtered_by_course_module_country_and_year(people, training, client_of):
    Session.objects.create(
        module=training.course.modules.get(number=3),
        start_date=datetime.date(2008, 9, 1),
        end_date=datetime.date(2008, 9, 3),
        place="Phnom Penh",
        country="KH",
        organisation=training.session.organisation,
    )
    client = client_of(people["programme_viewer"])
    url = reverse("trainings:sessions")
    page = _page(client, url + "?year=2008")
    assert "Phnom Penh" in page and "Lao Plaza Hotel" not in page
    page = _page(client, url + "?country=LA")
    assert "Lao Plaza Hotel" in page and "Phnom Penh" not in page
    page = _page(client, f"{url}?module={training.module.pk}")
    assert "Lao Plaza Hotel" in page and "Phnom Penh" not in page
    page = _page(client, f"{url}?course={training.course.pk}&year=2007")
    assert "Lao Plaza Hotel" in page and "Phnom Penh" not in page


def test_a_participant_recorded_from_a_session_is_put_on_its_list(people, training, client_of):
    client = client_of(people["consultant"])
    url = reverse("trainings:participant-create") + f"?session={training.session.pk}"
    data = {"name": "Vilayphone Sengdara", "sex": "female", "position": "Accountant"}
    assert client.post(url, data).status_code == 302
    person = Participant.objects.get(name="Vilayphone Sengdara")
    assert person.registered_by == training.session.organisation
    assert training.session.attendances.filter(participant=person).exists()


def test_a_participant_like_one_recorded_is_asked_about(people, training, client_of):
    client = client_of(people["consultant"])
    url = reverse("trainings:participant-create")
    data = {"name": "nguyen thi lan", "sex": "female"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Likely already recorded" in response.content.decode()
    assert Participant.objects.filter(search_text__contains="nguyen thi lan").count() == 1
    data["add_anyway"] = "on"
    assert client.post(url, data).status_code == 302
    assert Participant.objects.filter(search_text__contains="nguyen thi lan").count() == 2


def test_a_participant_of_both_an_organisation_and_an_enterprise_is_refused(
    people, training, organisations, enterprise, client_of
):
    person = training.participants[0]
    data = {
        "name": person.name,
        "sex": person.sex,
        "organisation": organisations["partner"].pk,
        "enterprise": enterprise.pk,
    }
    response = client_of(people["consultant"]).post(
        reverse("trainings:participant", args=[person.pk]), data
    )
    assert response.status_code == 200
    assert "not both" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Assignments


def test_an_assignment_links_only_an_assessment_the_user_may_see(
    people, training, other_enterprise, client_of
):
    from cleanprod.web.assessments.models import Assessment

    hidden = Assessment.objects.create(enterprise=other_enterprise, title="Rattan baseline")
    client = client_of(people["consultant"])
    url = reverse("trainings:assignment-create", args=[training.session.pk])
    page = _page(client, url)
    assert "Rattan baseline" not in page
    data = {
        "title": "Group 3",
        "assessment": hidden.pk,
        "status": "planned",
        "participants": [training.participants[2].pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Assignment.objects.filter(title="Group 3").exists()
    data["assessment"] = training.assignment.assessment_id
    assert client.post(url, data).status_code == 302
    created = Assignment.objects.get(title="Group 3")
    assert created.module == training.session.module
    assert list(created.participants.all()) == [training.participants[2]]


def test_editing_an_assignment_keeps_its_group(people, training, client_of):
    assignment = training.assignment
    url = reverse("trainings:assignment-edit", args=[assignment.pk])
    data = {
        "title": assignment.title,
        "assessment": assignment.assessment_id,
        "status": "in-progress",
        "due_date": "2007-04-10",
        "participants": [p.pk for p in assignment.participants.all()],
    }
    assert client_of(people["consultant"]).post(url, data).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "in-progress"
    assert assignment.participants.count() == 2


# ---------------------------------------------------------------------------------------------
# Evaluations


def _evaluate(client, session, participant, scores: dict[int, int], comments: str = ""):
    data = {"comments": comments, "participant": participant.pk if participant else ""}
    for question_id, value in scores.items():
        data[f"question_{question_id}"] = str(value)
    return client.post(reverse("trainings:evaluation-create", args=[session.pk]), data)


def test_evaluations_are_entered_one_form_at_a_time(people, training, client_of):
    client = client_of(people["consultant"])
    session = training.session
    first, second = Question.objects.filter(course=training.course).order_by("number")[:2]
    person = training.participants[0]
    response = _evaluate(client, session, person, {first.pk: 5, second.pk: 4}, "Very useful")
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(participant=person)
    assert evaluation.entered_by == people["consultant"]
    assert dict(evaluation.scores.values_list("question", "value")) == {first.pk: 5, second.pk: 4}
    # An anonymous one, then the same participant again: refused (no longer a choice).
    assert _evaluate(client, session, None, {first.pk: 3}).status_code == 302
    response = _evaluate(client, session, person, {first.pk: 1})
    assert response.status_code == 200
    assert Evaluation.objects.filter(session=session).count() == 2
    page = _page(client, reverse("trainings:evaluation-create", args=[session.pk]))
    assert "Souksavanh" not in page  # already evaluated
    # An empty form is refused.
    response = _evaluate(client, session, None, {})
    assert "The form is empty" in response.content.decode()


def test_a_score_off_the_scale_is_refused(people, training, client_of):
    question = Question.objects.filter(course=training.course).first()
    client = client_of(people["consultant"])
    response = _evaluate(client, training.session, None, {question.pk: 7})
    assert response.status_code == 200
    assert not Score.objects.exists()


@pytest.fixture
def evaluated(training):
    """Three forms on the first two questions: A 5, 4, 4; B 2, 3 (and one left empty)."""
    first, second = Question.objects.filter(course=training.course).order_by("number")[:2]
    forms = [({first: 5, second: 2}, "Very useful"), ({first: 4}, ""), ({first: 4, second: 3}, "")]
    for index, (scores, comments) in enumerate(forms):
        evaluation = Evaluation.objects.create(
            session=training.session,
            participant=training.participants[index] if index < 2 else None,
            comments=comments,
        )
        for question, value in scores.items():
            Score.objects.create(evaluation=evaluation, question=question, value=value)
    training.questions = (first, second)
    return training


def test_session_summary_figures_are_right(people, evaluated, client_of):
    client = client_of(people["programme_viewer"])
    response = client.get(reverse("trainings:session-evaluations", args=[evaluated.session.pk]))
    assert response.status_code == 200
    summary = response.context["evaluation"]
    assert summary.evaluations == 3
    first, second = summary.questions[:2]
    assert first.scores.responses == 3
    assert first.scores.mean == pytest.approx(13 / 3)
    assert first.scores.distribution == {1: 0, 2: 0, 3: 0, 4: 2, 5: 1}
    assert second.scores.mean == 2.5
    assert second.scores.distribution == {1: 0, 2: 1, 3: 1, 4: 0, 5: 0}
    assert all(item.scores.responses == 0 for item in summary.questions[2:])
    assert summary.overall.mean == pytest.approx(18 / 5)
    assert summary.comments == ["Very useful"]
    page = response.content.decode()
    assert "cleanprod/plotly.min.js" in page
    assert f'id="session-{evaluated.session.pk}-distribution"' in page
    assert f'id="session-{evaluated.session.pk}-means"' in page
    assert "4.33" in page and "3.60" in page
    for person in NAMES:
        assert person not in page


def test_module_summary_gathers_its_sessions(people, evaluated, client_of):
    other = Session.objects.create(
        module=evaluated.module,
        start_date=datetime.date(2008, 3, 3),
        end_date=datetime.date(2008, 3, 5),
        country="LA",
        organisation=evaluated.session.organisation,
    )
    evaluation = Evaluation.objects.create(session=other)
    Score.objects.create(evaluation=evaluation, question=evaluated.questions[0], value=1)
    response = client_of(people["enterprise_user"]).get(
        reverse("trainings:module-evaluations", args=[evaluated.module.pk])
    )
    assert response.status_code == 200
    summary = response.context["evaluation"]
    assert summary.evaluations == 4
    assert summary.questions[0].scores.distribution == {1: 1, 2: 0, 3: 0, 4: 2, 5: 1}
    assert summary.questions[0].scores.mean == pytest.approx(14 / 4)
    rows = response.context["session_rows"]
    assert [(row["evaluations"], row["mean"]) for row in rows] == [
        (3, pytest.approx(18 / 5)),
        (1, 1.0),
    ]


def test_summary_without_evaluations_has_no_chart(people, training, client_of):
    response = client_of(people["consultant"]).get(
        reverse("trainings:session-evaluations", args=[training.session.pk])
    )
    assert response.context["charts"] == {}
    assert "No scores are entered yet." in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The session report


def test_session_report(people, evaluated, client_of):
    url = reverse("trainings:session-report", args=[evaluated.session.pk])
    response = client_of(people["consultant"]).get(url)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.registered.by_sex == {"female": 2, "male": 1, "other": 0, "not-stated": 1}
    assert summary.attended.by_sex == {"female": 2, "male": 1, "other": 0, "not-stated": 0}
    # 3 + 2.5 + 3 days: the two without days attended the whole three-day session.
    assert summary.person_days == Decimal("8.5")
    page = response.content.decode()
    for person in NAMES:
        assert person in page
    assert "8.5 person-days of training." in page
    assert "3 evaluation forms were returned." in page
    assert "The mean score of all questions is 3.60" in page
    assert "@media print" in page
    assert "Tran Van Nhan" in page
    viewer = client_of(people["programme_viewer"]).get(url).content.decode()
    assert "8.5 person-days of training." in viewer
    for person in NAMES:
        assert person not in viewer


# ---------------------------------------------------------------------------------------------
# Courses


def test_a_centre_starts_the_default_course(people, client_of):
    client = client_of(people["other_consultant"])
    response = client.post(reverse("trainings:course-default"))
    assert response.status_code == 302
    course = Course.objects.get()
    assert course.organisation.short_name == "VNCPC"
    page = _page(client, reverse("trainings:course", args=[course.pk]))
    assert "Material balance" in page and "Module 4" in page
    assert "Plan a session of this module" in page


def test_a_superuser_chooses_the_organisation_of_the_default_course(
    people, organisations, client_of
):
    client = client_of(people["superuser"])
    assert client.post(reverse("trainings:course-default")).status_code == 302
    assert not Course.objects.exists()
    client.post(reverse("trainings:course-default"), {"organisation": organisations["lao"].pk})
    assert Course.objects.get().organisation == organisations["lao"]


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with the records


def _count(django_assert_max_num_queries, client, url: str, most: int = 40) -> int:
    with django_assert_max_num_queries(most) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _grow(training, assessment, count: int = 12) -> None:
    """More sessions, participants, attendance, assignments, evaluations and courses."""
    organisation = training.session.organisation
    for number in range(count):
        session = Session.objects.create(
            module=training.course.modules.get(number=1 + number % 4),
            start_date=datetime.date(2009, 1, 1 + number),
            end_date=datetime.date(2009, 1, 2 + number),
            country="LA",
            organisation=organisation,
        )
        person = Participant.objects.create(
            name=f"Trainee {number}",
            sex="female" if number % 2 else "male",
            enterprise=training.participant.enterprise,
            registered_by=organisation,
        )
        for target in (session, training.session):
            Attendance.objects.create(session=target, participant=person, attended=True)
        assignment = Assignment.objects.create(
            module=training.module,
            session=training.session,
            title=f"Group {number}",
            assessment=assessment,
        )
        assignment.participants.add(person)
        evaluation = Evaluation.objects.create(
            session=training.session, participant=person, comments=f"Comment {number}"
        )
        for question in Question.objects.filter(course=training.course):
            Score.objects.create(evaluation=evaluation, question=question, value=1 + number % 5)
    Course.objects.create(title="Energy efficiency", organisation=organisation)


@pytest.mark.parametrize("role", ["consultant", "programme_viewer"])
def test_query_counts_do_not_grow(
    role, people, training, assessment, client_of, django_assert_max_num_queries
):
    client = client_of(people[role])
    session = training.session.pk
    urls = [
        reverse("trainings:courses"),
        reverse("trainings:course", args=[training.course.pk]),
        reverse("trainings:sessions"),
        reverse("trainings:session", args=[session]),
        reverse("trainings:session-report", args=[session]),
        reverse("trainings:session-evaluations", args=[session]),
        reverse("trainings:module-evaluations", args=[training.module.pk]),
        reverse("trainings:participants"),
        reverse("trainings:participant", args=[training.participant.pk])
        if role == "consultant"
        else reverse("trainings:participants") + "?sex=female",
        reverse("trainings:evaluation-create", args=[session])
        if role == "consultant"
        else reverse("trainings:sessions") + "?country=LA",
    ]
    few = {url: _count(django_assert_max_num_queries, client, url) for url in urls}
    _grow(training, assessment)
    many = {url: _count(django_assert_max_num_queries, client, url) for url in urls}
    assert many == few


# ---------------------------------------------------------------------------------------------
# No traceback reaches a user


def test_a_tampered_attendance_form_writes_nothing_outside_the_list(people, training, client_of):
    """A row of another session's list and a row added to the form are left aside (as
    Django's model formsets do); the rows of the list are saved."""
    user = people["consultant"]
    session = training.session
    data = _attendance_data(session, user, {"Chanthala Sy": (True, "")})
    # A row of another list, and a row added to the form.
    other = Session.objects.create(
        module=training.module,
        start_date=datetime.date(2008, 1, 7),
        end_date=datetime.date(2008, 1, 8),
        country="LA",
        organisation=session.organisation,
    )
    stranger = Attendance.objects.create(session=other, participant=training.participants[3])
    data["attendance-0-id"] = str(stranger.pk)
    data["attendance-4-id"] = ""
    data["attendance-4-attended"] = "on"
    data["attendance-TOTAL_FORMS"] = "5"
    response = client_of(user).post(reverse("trainings:session", args=[session.pk]), data)
    assert response.status_code == 302
    assert not Attendance.objects.get(pk=stranger.pk).attended
    assert Attendance.objects.count() == 5
    assert Attendance.objects.get(session=session, participant__name="Chanthala Sy").attended


@pytest.mark.parametrize(
    "query",
    [
        "trainings:sessions?module=abc&year=x&country=ZZ&course=999&page=abc",
        "trainings:participants?sex=unknown&organisation=abc&enterprise=999&page=99",
        "trainings:session-create?module=abc",
        "trainings:participant-create?session=abc",
    ],
)
def test_odd_addresses_get_pages_not_tracebacks(query, people, training, client_of):
    name, _, parameters = query.partition("?")
    response = client_of(people["consultant"]).get(f"{reverse(name)}?{parameters}")
    assert response.status_code == 200
