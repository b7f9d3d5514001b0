"""Import and export of the registry: every row checked, all or nothing, a report a user can
act on."""

from __future__ import annotations

import csv
import io
import time

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.enterprises.spreadsheet import SpreadsheetError, read_table
from cleanprod.web.enterprises.transfer import COLUMNS, check_import, parse_country

HEADERS = ["Name", "Local name", "Registration number", "Country", "Province", "Sector"]
HEADERS += ["Size", "Employees", "Supply chain role", "Latitude", "Longitude", "Email"]


def row(name, country, sector, **cells):
    """A row under :data:`HEADERS`; the other cells by their header in snake case."""
    values = {"name": name, "country": country, "sector": sector, **cells}
    return [values.get(header.lower().replace(" ", "_"), "") for header in HEADERS]


GOOD_ROWS = [
    row(
        "Savan Rattan Export",
        "LA",
        "rattan-bamboo",
        registration_number="LA-3301",
        province="Savannakhet",
        size="small",
        employees="30",
        supply_chain_role="exporter",
        latitude="16.5563",
        longitude="104.75",
        email="savan@example.com",
    ),
    row(
        "Công ty TNHH Dệt Hà Đông",
        "vn",
        "Textiles and dyeing",
        registration_number="0101234999",
        province="Hà Nội",
        size="Medium",
        employees="1,200",
    ),
    row(
        "Angkor Ceramics",
        "Cambodia",
        "ceramics",
        province="Kampong Chhnang",
        size="micro",
        supply_chain_role="Processor",
    ),
]


def csv_file(headers, rows, name="enterprises.csv", bom=True, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    text = ("\ufeff" if bom else "") + buffer.getvalue()
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(headers, rows, name="enterprises.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Enterprises"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def post_import(client, upload, **fields):
    return client.post(reverse("enterprises:import"), {"file": upload, **fields})


def test_enterprise_import_of_a_good_csv_with_a_bom_registers_every_row(
    people, organisations, client_of
):
    response = post_import(client_of(people["consultant"]), csv_file(HEADERS, GOOD_ROWS))
    assert response.status_code == 302
    imported = Enterprise.objects.filter(organisation=organisations["lao"]).exclude(
        name__startswith="Vientiane"
    )
    assert imported.count() == 3
    textiles = imported.get(registration_number="0101234999")
    assert (textiles.country, textiles.sector, textiles.size) == ("VN", "textiles", "medium")
    assert textiles.employees == 1200
    assert imported.get(name="Angkor Ceramics").country == "KH"
    assert imported.get(name="Angkor Ceramics").supply_chain_role == "processor"
    # Each one is in the audit trail, by whom.
    for enterprise in imported:
        entry = LogEntry.objects.get_for_object(enterprise).get(action=LogEntry.Action.CREATE)
        assert entry.actor == people["consultant"]


def test_enterprise_import_of_an_xlsx_reads_numbers_and_tolerant_headers(people, client_of):
    headers = ["  NAME ", "registration_number", "COUNTRY", "sector", "employees", "latitude"]
    headers += ["Longitude"]
    rows = [["Luang Prabang Paper", 123456789.0, "LA", "paper", 45.0, 19.8856, 102.1347]]
    response = post_import(client_of(people["centre_admin"]), xlsx_file(headers, rows))
    assert response.status_code == 302
    paper = Enterprise.objects.get(name="Luang Prabang Paper")
    assert paper.registration_number == "123456789" and paper.employees == 45
    assert str(paper.latitude) == "19.885600"


def test_enterprise_import_with_one_bad_row_imports_nothing_and_names_row_and_column(
    people, client_of
):
    rows = [*GOOD_ROWS, row("Bad Co", "XX", "rattan-bamboo")]
    rows.append(row("", "LA", "spaceships", employees="many", latitude="91", email="not-an-email"))
    before = Enterprise.objects.count()
    response = post_import(client_of(people["consultant"]), csv_file(HEADERS, rows))
    assert response.status_code == 200
    assert Enterprise.objects.count() == before
    problems = {(p.row, p.column.split(" (")[0]) for p in response.context["check"].problems}
    assert problems == {
        (5, "Country"),
        (6, "Name"),
        (6, "Sector"),
        (6, "Employees"),
        (6, "Latitude"),
        (6, "Longitude"),
        (6, "Email"),
    }
    page = response.content.decode()
    assert "nothing was imported" in page
    assert "&#x27;XX&#x27; is not a country" in page and "VN (Viet Nam)" in page
    country_problem = next(p for p in response.context["check"].problems if p.row == 5)
    assert country_problem.column == "Country (D)"


def test_enterprise_import_refuses_unknown_missing_and_repeated_columns(people, client_of):
    headers = ["Name", "Nmae", "Province", "province "]
    response = post_import(client_of(people["consultant"]), csv_file(headers, [["a", "b", "", ""]]))
    messages = [p.message for p in response.context["check"].problems]
    assert any("'Nmae' is not a column" in m for m in messages)
    assert any("same column" in m for m in messages)
    assert any("no column country, sector" in m for m in messages)


def test_enterprise_import_refuses_the_templates_example_row(people, client_of):
    template = client_of(people["consultant"]).get(reverse("enterprises:import-template-csv"))
    upload = SimpleUploadedFile("template.csv", template.content)
    response = post_import(client_of(people["consultant"]), upload)
    assert [p.row for p in response.context["check"].problems] == [2]
    assert "example" in response.context["check"].problems[0].message


def test_enterprise_import_template_xlsx_has_the_columns_and_choices(people, client_of):
    response = client_of(people["consultant"]).get(reverse("enterprises:import-template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Enterprises", "Choices"]
    headers = [cell.value for cell in workbook["Enterprises"][1]]
    assert headers == list(COLUMNS)
    values = {row[1] for row in workbook["Choices"].iter_rows(min_row=2, values_only=True)}
    assert {"rattan-bamboo", "micro", "exporter", "KH"} <= values


def test_enterprise_import_reports_likely_duplicates_and_imports_them_only_when_ticked(
    people, enterprise, client_of
):
    client = client_of(people["consultant"])
    rows = [
        row("VIENTIANE SOFT DRINKS COMPANY LIMITED", "LA", "beverages"),
        row("Savan Rattan Export", "LA", "rattan-bamboo"),
        row("Savan Rattan Export Co., Ltd", "LA", "rattan-bamboo"),
    ]
    refused = post_import(client, csv_file(HEADERS, rows))
    check = refused.context["check"]
    assert not check.problems and check.refused
    assert [(f.row, bool(f.in_registry), bool(f.earlier_rows)) for f in check.duplicates] == [
        (2, True, False),
        (4, False, True),
    ]
    assert check.duplicates[0].in_registry[0].candidate["pk"] == enterprise.pk
    assert Enterprise.objects.count() == 2
    accepted = post_import(client, csv_file(HEADERS, rows), import_duplicates="on")
    assert accepted.status_code == 302
    assert Enterprise.objects.count() == 5


def test_enterprise_import_of_200_rows_is_fast_and_asks_the_registry_once(
    people, organisations, client_of
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Enterprise.objects.bulk_create(
        Enterprise(
            name=f"Registered workshop {n}",
            country="VN",
            sector="wood",
            organisation=organisations["viet"],
        )
        for n in range(1000)
    )
    rows = [
        row(
            f"Xưởng mộc số {n} Đồng Kỵ",
            "VN",
            "furniture",
            registration_number=f"23{n:08d}",
            province="Bắc Ninh",
            size="micro",
            employees="12",
            supply_chain_role="processor",
        )
        for n in range(200)
    ]
    client = client_of(people["other_consultant"])
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = post_import(client, xlsx_file(HEADERS, rows), import_duplicates="on")
    elapsed = time.perf_counter() - start
    assert response.status_code == 302, response.context["check"].problems[:3]
    assert Enterprise.objects.filter(province="Bắc Ninh").count() == 200
    selects = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and '"enterprises_enterprise"' in q["sql"]
    ]
    assert len(selects) == 1  # the duplicate candidates of the file's countries
    # An insert and an audit-trail entry per row, and a few for the request.
    assert len(queries.captured_queries) <= 2 * 200 + 12
    assert elapsed < 5


def test_enterprise_import_refuses_a_file_that_is_not_a_spreadsheet(people, client_of):
    client = client_of(people["consultant"])
    pdf = SimpleUploadedFile("registry.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    response = post_import(client, pdf)
    assert response.status_code == 200
    assert "is not a spreadsheet" in response.context["form"].errors["file"][0]
    fake = SimpleUploadedFile("registry.xlsx", b"this is not a workbook")
    message = post_import(client, fake).context["form"].errors["file"][0]
    assert "could not be read as an Excel workbook" in message
    old = SimpleUploadedFile("registry.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert ".xlsx" in post_import(client, old).context["form"].errors["file"][0]
    latin = SimpleUploadedFile("registry.csv", "Name,Country\nĐinh Tâm,VN\n".encode("cp1258"))
    assert "UTF-8" in post_import(client, latin).context["form"].errors["file"][0]
    empty = SimpleUploadedFile("registry.csv", b"")
    assert post_import(client, empty).context["form"].errors["file"]


def test_enterprise_import_reads_semicolon_separated_csv_without_bom(people, client_of):
    upload = csv_file(HEADERS, GOOD_ROWS[:1], bom=False, delimiter=";")
    assert post_import(client_of(people["consultant"]), upload).status_code == 302
    assert Enterprise.objects.filter(name="Savan Rattan Export").exists()


def test_enterprise_import_is_refused_to_who_does_not_register(people, client_of):
    response = post_import(client_of(people["enterprise_user"]), csv_file(HEADERS, GOOD_ROWS))
    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="Savan Rattan Export").exists()


def test_enterprise_import_by_a_superuser_registers_for_the_chosen_organisation(
    people, organisations, client_of
):
    client = client_of(people["superuser"])
    missing = post_import(client, csv_file(HEADERS, GOOD_ROWS))
    assert "organisation" in missing.context["form"].errors
    chosen = post_import(
        client, csv_file(HEADERS, GOOD_ROWS), organisation=str(organisations["partner"].pk)
    )
    assert chosen.status_code == 302
    assert Enterprise.objects.filter(organisation=organisations["partner"]).count() == 3


def test_enterprise_import_check_keeps_rows_unsaved(people, organisations):
    table = read_table(csv_file(HEADERS, GOOD_ROWS).read(), "enterprises.csv", sheet=None)
    check = check_import(table, people["consultant"], organisations["lao"])
    assert not check.refused and len(check.enterprises) == 3
    assert all(e.pk is None for e in check.enterprises)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("VN", "VN"),
        ("la", "LA"),
        ("KHM", "KH"),
        ("Lao PDR", "LA"),
        ("Việt Nam", "VN"),
        ("Cambodia", "KH"),
        ("Thailand", "TH"),
        ("Narnia", None),
        ("XX", None),
    ],
)
def test_parse_country_reads_codes_and_names(text, code):
    assert parse_country(text) == code


def test_read_table_skips_blank_rows_and_numbers_rows_as_in_the_file():
    data = "\ufeffName,Country\n\nA,VN\n,\nB,LA\n".encode()
    table = read_table(data, "x.csv")
    assert [number for number, _ in table.rows] == [3, 5]
    with pytest.raises(SpreadsheetError, match="no header row"):
        read_table(b"\n\n", "x.csv")


def test_enterprise_export_xlsx_has_the_filtered_list_and_no_formulas(
    people, organisations, enterprise, other_enterprise, client_of
):
    Enterprise.objects.create(
        name='=HYPERLINK("http://evil.example")',
        country="LA",
        sector="food",
        organisation=organisations["lao"],
    )
    client = client_of(people["consultant"])
    response = client.get(reverse("enterprises:export"), {"format": "xlsx", "country": "LA"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][: len(COLUMNS)]) == list(COLUMNS)
    names = {row[0] for row in rows[1:]}
    assert names == {enterprise.name, '=HYPERLINK("http://evil.example")'}
    cell = next(c for c in sheet.iter_rows(min_row=2) if c[0].value.startswith("="))[0]
    assert cell.data_type == "s"


def test_enterprise_export_csv_is_utf8_with_a_bom_and_round_trips(people, organisations, client_of):
    Enterprise.objects.create(
        name="Công ty TNHH Mây tre Chương Mỹ",
        country="VN",
        province="Hà Nội",
        sector="rattan-bamboo",
        phone="+84 24 3386",
        organisation=organisations["viet"],
    )
    client = client_of(people["other_consultant"])
    response = client.get(reverse("enterprises:export"), {"format": "csv", "q": "may tre"})
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["name", "local_name", "registration_number"]
    assert [row[0] for row in rows[1:]] == ["Công ty TNHH Mây tre Chương Mỹ"]
    assert rows[1][COLUMNS.index("phone")] == "'+84 24 3386"
    table = read_table(response.content, "export.csv")
    assert table.rows[0][1][COLUMNS.index("phone")] == "+84 24 3386"
    check = check_import(table, people["other_consultant"], organisations["viet"])
    assert not check.problems
    assert [f.in_registry[0].candidate["name"] for f in check.duplicates] == [rows[1][0]]


def test_enterprise_export_gives_an_enterprise_user_only_their_own(
    people, enterprise, other_enterprise, client_of
):
    response = client_of(people["enterprise_user"]).get(
        reverse("enterprises:export"), {"format": "csv"}
    )
    names = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    assert names[1:] == [enterprise.name]
