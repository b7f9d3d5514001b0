"""Importing a session's participant list from a spreadsheet: every row checked, a report a
trainer can act on, nothing written when a row is refused, likely duplicates reported."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from test_training_models import make_training

from cleanprod.web.trainings.models import Attendance, Participant
from cleanprod.web.trainings.participant_import import (
    COLUMNS,
    parse_attended,
    parse_days,
    parse_sex,
)

HEADERS = ["Name", "Sex", "Position", "Organisation", "Enterprise", "Email", "Phone", "Attended"]
HEADERS += ["Days"]


def row(name, sex="", organisation="", enterprise="", **cells):
    values = {"name": name, "sex": sex, "organisation": organisation, "enterprise": enterprise}
    values.update(cells)
    return [values.get(header.lower(), "") for header in HEADERS]


GOOD_ROWS = [
    # The enterprise by its name, written without accents and legal form's punctuation.
    row("Phonesavanh Inthavong", "F", enterprise="vientiane soft drinks co ltd", attended="yes"),
    # An organisation by its short name; days attended tick "attended".
    row("Khamla Vongsa", "male", organisation="LNCCI", position="Officer", days="2"),
    # Lao and Vietnamese words for the sex; email and phone.
    row("Somchai Douangmala", "ຊາຍ", email="somchai@example.com", phone="+856 20 5555 1234"),
    row("Trần Thị Hoa", "nữ", organisation="Viet Nam Cleaner Production Centre", attended="x"),
]


def xlsx_file(headers, rows, name="participants.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    sheet.append(headers)
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(headers, rows, name="participants.csv", delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


@pytest.fixture
def training(organisations, people, enterprise, assessment):
    return make_training(organisations["lao"], enterprise, assessment)


@pytest.fixture
def upload(client_of, people, training):
    client = client_of(people["consultant"])
    url = reverse("trainings:session-import", args=[training.session.pk])

    def post(file, duplicates=""):
        return client.post(url, {"file": file, "duplicates": duplicates})

    return post


def _problems(response):
    check = response.context["check"]
    return [(p.row, p.column.split(" (")[0], p.message) for p in check.problems]


def test_a_good_file_is_imported(upload, training, enterprise, organisations):
    before = Participant.objects.count()
    response = upload(xlsx_file(HEADERS, GOOD_ROWS))
    assert response.status_code == 302, _problems(response)
    assert Participant.objects.count() == before + 4
    people = {p.name: p for p in Participant.objects.filter(pk__gt=0)}
    assert people["Phonesavanh Inthavong"].enterprise == enterprise
    assert people["Phonesavanh Inthavong"].sex == "female"
    assert people["Khamla Vongsa"].organisation == organisations["partner"]
    assert people["Somchai Douangmala"].sex == "male"
    assert people["Somchai Douangmala"].email == "somchai@example.com"
    assert people["Trần Thị Hoa"].organisation == organisations["viet"]
    assert people["Trần Thị Hoa"].registered_by == training.session.organisation
    rows = {
        a.participant.name: (a.attended, a.days)
        for a in Attendance.objects.filter(session=training.session).select_related("participant")
    }
    assert rows["Phonesavanh Inthavong"] == (True, None)
    assert rows["Khamla Vongsa"] == (True, Decimal("2"))
    assert rows["Somchai Douangmala"] == (False, None)
    assert rows["Trần Thị Hoa"] == (True, None)
    # Each record is in the audit trail.
    assert LogEntry.objects.filter(content_type__model="participant").count() == before + 4


def test_one_bad_row_and_nothing_is_imported(upload, training):
    before = (Participant.objects.count(), Attendance.objects.count())
    rows = [
        *GOOD_ROWS,
        row("Unknown Place", organisation="Ministry of Nowhere"),
        row("Bad Sex", "sometimes"),
        row("Bad Mail", email="not an address"),
        row("Too Long", days="5"),
        row("Both Places", organisation="LNCCI", enterprise="Vientiane Soft Drinks Co., Ltd"),
        row("Bad Attended", attended="maybe"),
        row(""),  # empty name but another cell
    ]
    rows[-1][HEADERS.index("Position")] = "Driver"
    response = upload(xlsx_file(HEADERS, rows))
    assert response.status_code == 200
    assert (Participant.objects.count(), Attendance.objects.count()) == before
    problems = _problems(response)
    assert problems == [
        (
            6,
            "Organisation",
            "'Ministry of Nowhere' is neither an organisation of the platform nor an "
            "enterprise of the registry.",
        ),
        (7, "Sex", "'sometimes' is not a sex of the list."),
        (8, "Email", "'not an address' is not an email address."),
        (9, "Days", "The session lasts 3 days: 5 is more."),
        (
            10,
            "Enterprise",
            "Both an organisation and an enterprise are given: a participant comes from one.",
        ),
        (11, "Attended", "'maybe' is neither yes nor no."),
        (12, "Name", "The name is empty."),
    ]
    page = response.content.decode()
    assert "7 problems: nothing was imported" in page
    # Each problem says what to do.
    assert all(problem.remedy for problem in response.context["check"].problems)


def test_a_row_repeated_in_the_file_is_refused(upload):
    rows = [
        *GOOD_ROWS,
        row("khamla vongsa", "M", organisation="Lao National Chamber of Commerce and Industry"),
    ]
    response = upload(csv_file(HEADERS, rows))
    assert response.status_code == 200
    assert _problems(response) == [
        (6, "Name", "Row 6 repeats row 3: the same name from the same place.")
    ]


def test_participants_already_recorded_are_reported_then_linked(upload, training):
    recorded = training.participants[1]  # Bounmy Keomany, LNCCI, on the session
    person = training.participants[0]  # Souksavanh, of the enterprise
    rows = [
        row("BOUNMY KEOMANY", "male", organisation="LNCCI", attended="no"),
        row("Souksavanh Phommachanh", "female", enterprise="Vientiane Soft Drinks", days="1.5"),
        row("New Person", "female", attended="yes"),
    ]
    before = Participant.objects.count()
    response = upload(xlsx_file(HEADERS, rows))
    assert response.status_code == 200
    check = response.context["check"]
    assert not check.problems
    assert [(d.row, d.participant, d.on_session) for d in check.duplicates] == [
        (2, recorded.pk, True),
        (3, person.pk, True),
    ]
    assert "2 rows are like participants already recorded" in response.content.decode()
    assert Participant.objects.count() == before
    # Linked: no new record for them; their attendance on this session is updated.
    response = upload(xlsx_file(HEADERS, rows), duplicates="link")
    assert response.status_code == 302
    assert Participant.objects.count() == before + 1
    bounmy = Attendance.objects.get(session=training.session, participant=recorded)
    assert (bounmy.attended, bounmy.days) == (False, None)
    souksavanh = Attendance.objects.get(session=training.session, participant=person)
    assert (souksavanh.attended, souksavanh.days) == (True, Decimal("1.5"))


def test_participants_already_recorded_may_be_recorded_as_new_people(upload, training):
    rows = [row("Bounmy Keomany", "male", organisation="LNCCI", attended="yes")]
    before = Participant.objects.count()
    assert upload(csv_file(HEADERS, rows), duplicates="new").status_code == 302
    assert Participant.objects.filter(name="Bounmy Keomany").count() == 2
    assert Participant.objects.count() == before + 1


def test_semicolon_csv_and_other_headers(upload, training):
    headers = ["Họ và tên", "Giới tính", "Company", "E-mail"]
    rows = [["Lê Văn Minh", "Nam", "Vientiane Soft Drinks Co., Ltd", "minh@example.com"]]
    response = upload(csv_file(headers, rows, delimiter=";"))
    assert response.status_code == 302, _problems(response)
    person = Participant.objects.get(name="Lê Văn Minh")
    assert person.sex == "male" and person.enterprise.name == "Vientiane Soft Drinks Co., Ltd"


def test_a_file_without_names_or_with_unknown_columns(upload):
    response = upload(csv_file(["Sex", "Shoe size"], [["F", "38"]]))
    assert _problems(response) == [
        (1, "Shoe size", "'Shoe size' is not a column of a participant list."),
        (1, "name", "The file has no column of the participants' names."),
    ]


def test_a_file_that_is_no_spreadsheet_is_refused_in_words(upload):
    response = upload(SimpleUploadedFile("list.xlsx", b"PK\x03\x04 not really a workbook"))
    assert response.status_code == 200
    assert "could not be read as an Excel workbook" in response.content.decode()
    response = upload(SimpleUploadedFile("list.csv", b""))
    assert response.status_code == 200


def test_the_template_is_refused_as_it_is(upload, client_of, people):
    client = client_of(people["programme_viewer"])
    response = client.get(reverse("trainings:import-template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Participants", "Choices"]
    sheet = workbook["Participants"]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    csv_text = client.get(reverse("trainings:import-template-csv")).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == ",".join(COLUMNS)
    client_of(people["consultant"])  # the same test client, signed in again as a trainer
    response = upload(SimpleUploadedFile("template.xlsx", _bytes(workbook)))
    messages = [message for _, _, message in _problems(response)]
    assert "This is the template's example row." in messages


def _bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("F", "female"),
        ("Female", "female"),
        ("nữ", "female"),
        ("ຍິງ", "female"),
        ("ស្រី", "female"),
        ("M", "male"),
        ("nam", "male"),
        ("ប្រុស", "male"),
        ("", "not-stated"),
        ("Not stated", "not-stated"),
        ("Other", "other"),
        ("x", None),
    ],
)
def test_parse_sex(text, sex):
    assert parse_sex(text) == sex


@pytest.mark.parametrize(
    ("cell", "attended"),
    [(True, True), (1, True), ("Yes", True), ("x", True), ("có", True), (None, False),
     ("no", False), (0, False), ("không", False), ("perhaps", None)],
)  # fmt: skip
def test_parse_attended(cell, attended):
    assert parse_attended(cell) == attended


def test_parse_days():
    assert parse_days("2,5") == Decimal("2.5")
    assert parse_days(3) == Decimal("3.0")
    for bad in ("-1", "two", "1.25", True):
        with pytest.raises(ValueError):
            parse_days(bad)
