"""A consultant's work in a real browser: sign in, register an enterprise, upload an example
workbook, read its Sankey diagram and its balance verdict, download its PDF report.

Screenshots of each step are kept under tests/artifacts/browser/.
"""

from __future__ import annotations

import re
from pathlib import Path

from cleanprod.io import write_document


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def test_consultant_registers_uploads_reads_and_downloads(
    page, live_server, people, password, example, tmp_path: Path
):
    sign_in(page, live_server, "lao-consultant", password)
    page.shot("1-dashboard")
    assert page.locator("h1").inner_text() == "Dashboard"

    # Register an enterprise.
    page.goto(f"{live_server.url}/enterprises/new/")
    page.fill("#id_name", "Savannakhet Cassava Starch Factory")
    page.select_option("#id_country", "LA")
    page.fill("#id_province", "Savannakhet")
    page.select_option("#id_sector", "food")
    page.select_option("#id_size", "medium")
    page.fill("#id_employees", "85")
    page.shot("2-register-form")
    page.click("form button[type=submit]:not(.link)")
    page.wait_for_url(re.compile(r".*/enterprises/\d+/$"))
    assert "Savannakhet Cassava Starch Factory" in page.locator("h1").inner_text()
    page.shot("3-enterprise")

    # Upload an example as a workbook, the way consultants keep their data.
    workbook = write_document(example("lao-agro-processing"), tmp_path / "cassava.xlsx")
    page.goto(f"{live_server.url}/assessments/upload/")
    page.select_option("#id_enterprise", label="Savannakhet Cassava Starch Factory (LA)")
    page.set_input_files("#id_document", str(workbook))
    page.fill("#id_comment", "baseline from the plant visit")
    page.shot("4-upload-form")
    page.click("form button[type=submit]:not(.link)")
    page.wait_for_url(re.compile(r".*/assessments/\d+/$"), timeout=180_000)
    page.shot("5-assessment")
    assessment_url = page.url

    # The results: a Sankey diagram drawn by plotly.js (served by the platform) per layer.
    page.goto(f"{assessment_url}results/")
    page.wait_for_selector(".js-plotly-plot .sankey", timeout=180_000)
    assert page.locator(".js-plotly-plot .sankey").count() >= 1
    body = page.locator("main").inner_text()
    assert "balance" in body.lower()
    page.shot("6-results-sankey")

    # The PDF report, from the assessment's page.
    page.goto(assessment_url)
    link = page.locator("a[href*='/report/pdf/en/']").first
    with page.expect_download(timeout=240_000) as download_info:
        link.click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.suffix == ".pdf"
    assert target.read_bytes().startswith(b"%PDF")
    assert target.stat().st_size > 50_000


def test_enterprise_user_reads_but_cannot_upload(page, live_server, people, password, assessment):
    sign_in(page, live_server, "drinks-owner", password)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    assert assessment.title in page.locator("main").inner_text()
    response = page.goto(f"{live_server.url}/assessments/{assessment.pk}/upload/")
    assert response.status == 403
    page.shot("enterprise-user-refused")
