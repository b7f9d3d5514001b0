"""The results page (verdicts, Sankey diagrams, tables), plotly.js served locally, and the
downloads of the document and the report."""

from __future__ import annotations

import pytest
import yaml
from django.core.cache import cache
from django.test import override_settings

from cleanprod.io import read_document
from cleanprod.web.assessments import results as results_module
from cleanprod.web.assessments.views import file_stem

FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "cleanprod.web.site.staticfiles.PlotlyFinder",
]


# --------------------------------------------------------------------------------------------
# The results page


def test_results_page_shows_verdicts_sankeys_and_tables(client_of, people, assessment):
    response = client_of(people["enterprise_user"]).get(f"/assessments/{assessment.pk}/results/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/cleanprod/plotly.min.js" in page
    assert 'id="sankey-water"' in page and "Plotly.newPlot" in page
    assert 'class="plotly-graph-div"' in page
    assert "cdn.plot.ly" not in page
    assert "The water balance does not close within the measurement uncertainty" in page
    assert "The balance suggests 26,800 ± 1,200 m3 for city water" in page
    assert "The true cost of the losses (MFCA)" in page and 'id="loss-costs"' in page
    assert "Boiler and steam-line losses" in page
    assert "Specific water consumption" in page
    assert "Reuse final-rinse water of the washer in the pre-rinse zone" in page
    assert "P(NPV" in page
    assert "The best set of options" in page
    assert "Implementation and verified savings" in page and "significant" in page


def test_results_are_kept_per_revision(client_of, people, assessment, monkeypatch):
    cache.delete(results_module.results_key(assessment))
    calls = []
    real = results_module.results_of

    def counted(document):
        calls.append(document.title)
        return real(document)

    monkeypatch.setattr(results_module, "results_of", counted)
    client = client_of(people["consultant"])
    for _ in range(2):
        assert client.get(f"/assessments/{assessment.pk}/results/").status_code == 200
    assert len(calls) == 1
    assert results_module.results_key(assessment).endswith(":1")
    assert results_module.results_key(assessment, 2) != results_module.results_key(assessment)


def test_a_save_keeps_its_results_for_the_page(assessment, people, example, monkeypatch):
    from cleanprod.web.assessments.saving import save_document

    document = example("lao-soft-drink").model_copy(update={"title": "Kept"})
    save_document(assessment, document, people["consultant"], started_from=1)
    assert cache.get(results_module.results_key(assessment))["title"] == "Kept"


def test_results_charts_fall_back_to_english_for_an_unknown_language(assessment):
    assert results_module.chart_language("fr") == "en"
    assert results_module.chart_language("en") == "en"


@pytest.mark.parametrize(
    ("consistent", "dof", "suspects", "expected"),
    [
        (True, 3, [], "The water balance closes within the measurement uncertainty."),
        (True, 0, [], "The water balance cannot be checked"),
        (False, 1, ["City water", "Wash water"], "2 figures are suspect: City water, Wash water."),
        (False, 1, ["City water"], "One figure is suspect: City water."),
    ],
)
def test_verdict_in_plain_words(consistent, dof, suspects, expected):
    row = results_module.verdict("water", None, consistent, dof, 5.04, 3.84, suspects)
    assert expected in row["text"]
    assert row["state"] == ("open" if consistent is False else "closes" if dof else "unchecked")


# --------------------------------------------------------------------------------------------
# plotly.js from the plotly package


def test_plotly_js_is_found_as_a_static_file():
    from django.contrib.staticfiles import finders

    with override_settings(STATICFILES_FINDERS=FINDERS):
        path = finders.find("cleanprod/plotly.min.js")
    assert path and path.endswith("plotly/package_data/plotly.min.js")
    with open(path, "rb") as handle:
        assert b"plotly.js" in handle.read(400)


def test_plotly_finder_lists_the_file_for_collectstatic():
    from cleanprod.web.site.staticfiles import PlotlyFinder

    finder = PlotlyFinder()
    listed = list(finder.list([]))
    assert [(path, storage.prefix) for path, storage in listed] == [("plotly.min.js", "cleanprod")]
    assert listed[0][1].exists("plotly.min.js")
    assert finder.find("cleanprod/other.js") == []
    assert finder.find("cleanprod/plotly.min.js", find_all=True)[0].endswith("plotly.min.js")
    assert finder.check() == []
    assert list(finder.list(["*.js"])) == []


# --------------------------------------------------------------------------------------------
# Downloads


def test_file_names_come_from_the_enterprise_and_the_version(assessment):
    assert file_stem(assessment, 3) == "vientiane-soft-drinks-v3"
    assessment.enterprise.name = "ສະຖານີ"  # Lao script only: no Latin letter to keep
    assert file_stem(assessment, 1) == f"assessment-{assessment.pk}-v1"


@pytest.mark.parametrize("form", ["yaml", "json", "xlsx"])
def test_document_downloads_in_each_form(client_of, people, assessment, example, form, tmp_path):
    response = client_of(people["enterprise_user"]).get(
        f"/assessments/{assessment.pk}/download/{form}/"
    )
    assert response.status_code == 200
    assert f'filename="vientiane-soft-drinks-v1.{form}"' in response["Content-Disposition"]
    path = tmp_path / f"downloaded.{form}"
    path.write_bytes(response.content)
    assert read_document(path) == example("lao-soft-drink")


def test_an_earlier_version_downloads(client_of, people, assessment, example):
    from cleanprod.web.assessments.saving import save_document

    save_document(
        assessment,
        example("lao-soft-drink").model_copy(update={"title": "Second"}),
        people["consultant"],
        started_from=1,
    )
    client = client_of(people["consultant"])
    old = client.get(f"/assessments/{assessment.pk}/download/yaml/?version=1")
    assert 'filename="vientiane-soft-drinks-v1.yaml"' in old["Content-Disposition"]
    assert yaml.safe_load(old.content)["title"] == example("lao-soft-drink").title
    new = client.get(f"/assessments/{assessment.pk}/download/yaml/")
    assert yaml.safe_load(new.content)["title"] == "Second"
    assert client.get(f"/assessments/{assessment.pk}/download/yaml/?version=9").status_code == 404
    assert client.get(f"/assessments/{assessment.pk}/download/docx/").status_code == 404


def test_report_as_pdf(client_of, people, assessment):
    """The one PDF of the suite: a few seconds, kaleido draws its charts."""
    response = client_of(people["consultant"]).get(f"/assessments/{assessment.pk}/report/pdf/en/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="vientiane-soft-drinks-v1-report-en.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_report_as_html_in_vietnamese(client_of, people, assessment):
    response = client_of(people["consultant"]).get(f"/assessments/{assessment.pk}/report/html/vi/")
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # the catalogue may be incomplete while it is translated
        assert response.content.startswith(b"<!DOCTYPE html>")
        assert "report-vi.html" in response["Content-Disposition"]


def test_report_problem_is_a_message_not_a_traceback(client_of, people, assessment, monkeypatch):
    from cleanprod.report.render import ReportError
    from cleanprod.web.assessments import views

    def refuse(*args, **kwargs):
        raise ReportError("the km catalogue lacks 3 of 306 messages")

    monkeypatch.setattr(views, "report_bytes", refuse)
    client = client_of(people["consultant"])
    response = client.get(f"/assessments/{assessment.pk}/report/pdf/km/", follow=True)
    assert response.redirect_chain[-1][0] == f"/assessments/{assessment.pk}/"
    page = response.content.decode()
    assert "The report could not be made: the km catalogue lacks 3 of 306 messages" in page
    assert client.get(f"/assessments/{assessment.pk}/report/pdf/fr/").status_code == 404
    assert client.get(f"/assessments/{assessment.pk}/report/docx/en/").status_code == 404
