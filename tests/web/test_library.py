"""The case-study library: figures taken from the results, drafts kept confidential,
publishing audited, anonymised cases that never name their enterprise, and the public pages
(no sign-in, searched and filtered, in four languages, cached, a few queries each)."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from cleanprod.web.enterprises.duplicates import fold
from cleanprod.web.library.choices import Status
from cleanprod.web.library.models import CaseStudy, CaseStudyText
from cleanprod.web.library.publishing import (
    publish,
    refresh_figures,
    save_translation,
    start_case_study,
    withdraw,
)
from cleanprod.web.library.snapshot import CaseStudyError, case_figures

#: The implemented option of examples/lao-soft-drink.yaml, with a verified saving of water.
OPTION = "repair-supply-leak"
SUMMARY = "A pressure test found the leak the water balance pointed at; the bills fell by 13 %."
LAO_TITLE = "ການສ້ອມແປງທໍ່ນ້ຳຮົ່ວ"
KHMER_TITLE = "ការជួសជុលបំពង់ទឹកលេច"


def start(assessment: Any, user: Any, **values: Any) -> CaseStudy:
    values.setdefault("title", "Repairing a hidden leak")
    values.setdefault("summary", SUMMARY)
    values.setdefault("problem", "The city meter read 16 % more water than the plant used.")
    values.setdefault("lessons", "Close the water balance before buying new equipment.")
    return start_case_study(assessment, OPTION, user, values=values)


def published_case_study(assessment: Any) -> CaseStudy:
    """The published case study of the assessment's implemented option (made once); the
    page-permission matrix addresses the library's pages with it."""
    case = CaseStudy.objects.filter(assessment=assessment).first()
    if case is None:
        option = assessment.options.filter(status="implemented").order_by("option_id").first()
        case = start_case_study(
            assessment,
            option.option_id,
            assessment.lead_consultant,
            values={"title": "Repairing a hidden leak", "summary": SUMMARY},
        )
        publish(case, assessment.lead_consultant)
    return case


@pytest.fixture
def draft(assessment: Any, people: dict[str, Any]) -> CaseStudy:
    return start(assessment, people["consultant"])


@pytest.fixture
def published(draft: CaseStudy, people: dict[str, Any]) -> CaseStudy:
    publish(draft, people["consultant"])
    draft.refresh_from_db()
    return draft


def make_published(assessment: Any, number: int, **fields: Any) -> CaseStudy:
    """A published case written straight to the database (for lists of many cases)."""
    values = {
        "title": f"Case number {number}",
        "summary": "A short summary.",
        "sector": "beverages",
        "country": "LA",
        "practice": "good housekeeping",
        "currency": "LAK",
        "annual_savings": 1_000_000.0 * number,
        "payback_years": 1.5,
        "verified_saving": 100.0,
        "verified_low": 80.0,
        "verified_high": 120.0,
        "verified_unit": "m3",
        "verified_significant": True,
        "verified_periods": 6,
        **fields,
    }
    case = CaseStudy.objects.create(
        assessment=assessment,
        option_id=f"option-{number}",
        organisation=assessment.enterprise.organisation,
        status=Status.PUBLISHED,
        slug=f"case-number-{number}",
        published_at=timezone.now(),
        enterprise_name=assessment.enterprise.name,
        search_text=values["title"].lower(),
        **values,
    )
    CaseStudyText.objects.create(case=case, language="lo", title=f"ກໍລະນີ {number}", summary="ສະຫຼຸບ")
    return case


# --------------------------------------------------------------------------------------------
# The figures, from the results


def test_case_figures_take_the_verified_saving_and_the_resources(assessment):
    from cleanprod.web.assessments.results import current_results

    results, problem = current_results(assessment)
    assert problem == ""
    figures = case_figures(results, OPTION)
    assert figures["practice"] == "good housekeeping"
    assert figures["year_implemented"] == 2008
    assert figures["currency"] == "LAK"
    assert figures["investment"] == pytest.approx(6_500_000)
    assert figures["actual_investment"] == pytest.approx(7_800_000)
    assert figures["annual_savings"] == pytest.approx(11_440_000)
    assert figures["payback_years"] == pytest.approx(0.568, rel=1e-2)
    assert figures["verified_unit"] == "m3"
    assert figures["verified_saving"] == pytest.approx(2140.76, rel=1e-3)
    assert figures["verified_low"] < figures["verified_saving"] < figures["verified_high"]
    assert figures["verified_significant"] is True
    assert figures["verified_periods"] == 6
    assert figures["water_m3"] == pytest.approx(4400)
    assert figures["energy_kwh"] is None
    assert figures["co2e_t"] is None


def test_case_figures_refuse_an_option_not_implemented(assessment):
    from cleanprod.web.assessments.results import current_results

    results, _problem = current_results(assessment)
    with pytest.raises(CaseStudyError, match="not implemented"):
        case_figures(results, "washer-rinse-reuse")
    with pytest.raises(CaseStudyError, match="no option 'no-such-option'"):
        case_figures(results, "no-such-option")


def test_start_case_study_keeps_a_snapshot_of_the_enterprise_and_the_figures(draft, enterprise):
    assert draft.status == Status.DRAFT
    assert draft.slug is None
    assert (draft.sector, draft.size, draft.country) == ("beverages", "medium", "LA")
    assert draft.province == "Vientiane Capital"
    assert draft.enterprise_name == enterprise.name
    assert draft.organisation == enterprise.organisation
    assert draft.verified_saving == pytest.approx(2140.76, rel=1e-3)
    assert "hidden leak" in draft.search_text


def test_start_case_study_refuses_a_second_case_of_an_option(draft, assessment, people):
    with pytest.raises(CaseStudyError, match="exists already"):
        start(assessment, people["consultant"])


def test_refresh_figures_refuses_a_published_case(published):
    with pytest.raises(CaseStudyError, match="Withdraw it"):
        refresh_figures(published)


# --------------------------------------------------------------------------------------------
# The staff's pages


@pytest.mark.parametrize("role", ["other_consultant", "other_enterprise_user", "programme_viewer"])
def test_library_list_does_not_show_drafts_to_those_who_may_not_see_them(
    role, draft, people, client_of
):
    page = client_of(people[role]).get(reverse("library:list")).content.decode()
    assert draft.title not in page


def test_library_list_shows_drafts_to_the_enterprise_staff(draft, people, client_of):
    page = client_of(people["assigned_consultant"]).get(reverse("library:list"))
    assert draft.title in page.content.decode()


def test_library_new_offers_the_implemented_options_one_may_change(assessment, people, client_of):
    page = client_of(people["consultant"]).get(reverse("library:new")).content.decode()
    assert "Find and repair the leak" in page
    assert "Reuse final-rinse water" not in page  # further study, not implemented
    other = client_of(people["other_consultant"]).get(reverse("library:new")).content.decode()
    assert "Find and repair the leak" not in other


def test_library_new_prefills_the_title_and_shows_the_figures(assessment, people, client_of):
    url = f"{reverse('library:new')}?assessment={assessment.pk}&option={OPTION}"
    page = client_of(people["consultant"]).get(url).content.decode()
    assert 'value="Find and repair the leak between the city meter' in page
    assert "11,440,000 LAK" in page
    assert "between 1,884 and 2,398 m³" in page


def test_library_new_saves_a_draft_and_logs_it(assessment, people, client_of):
    url = f"{reverse('library:new')}?assessment={assessment.pk}&option={OPTION}"
    response = client_of(people["consultant"]).post(
        url,
        {
            "language": "en",
            "title": "Repairing a hidden leak",
            "summary": SUMMARY,
            "province": "Vientiane Capital",
        },
    )
    case = CaseStudy.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("library:detail", args=[case.pk])
    assert case.created_by == people["consultant"]
    assert LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.CREATE).exists()


def test_library_new_refuses_an_option_not_implemented(assessment, people, client_of):
    url = f"{reverse('library:new')}?assessment={assessment.pk}&option=washer-rinse-reuse"
    response = client_of(people["consultant"]).get(url, follow=True)
    assert "is not implemented in the current version" in response.content.decode()
    assert not CaseStudy.objects.exists()


def test_publishing_needs_the_right_to_change_the_assessment(draft, people, client_of):
    url = reverse("library:publish", args=[draft.pk])
    assert client_of(people["enterprise_user"]).post(url).status_code == 403
    assert client_of(people["other_consultant"]).post(url).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    client_of(people["assigned_consultant"]).post(url)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_by == people["assigned_consultant"]
    assert draft.slug == "repairing-a-hidden-leak"


def test_publishing_and_withdrawing_are_in_the_audit_trail(draft, people, client_of):
    client = client_of(people["consultant"])
    client.post(reverse("library:publish", args=[draft.pk]))
    client.post(reverse("library:withdraw", args=[draft.pk]))
    statuses = [
        entry.changes_dict.get("status")
        for entry in LogEntry.objects.get_for_object(draft).order_by("timestamp")
        if entry.action == LogEntry.Action.UPDATE and "status" in entry.changes_dict
    ]
    assert statuses == [["draft", "published"], ["published", "draft"]]
    last = LogEntry.objects.get_for_object(draft).order_by("-timestamp").first()
    assert last.actor == people["consultant"]


def test_library_text_writes_and_deletes_a_translation(draft, people, client_of):
    client = client_of(people["consultant"])
    url = reverse("library:text", args=[draft.pk, "lo"])
    client.post(url, {"title": LAO_TITLE, "summary": "ສະຫຼຸບ"})
    assert draft.texts.get(language="lo").title == LAO_TITLE
    draft.refresh_from_db()
    assert fold(LAO_TITLE) in draft.search_text
    client.post(url, {"title": "", "summary": ""})
    assert not draft.texts.exists()


def test_library_text_asks_for_both_title_and_summary(draft, people, client_of):
    url = reverse("library:text", args=[draft.pk, "km"])
    page = client_of(people["consultant"]).post(url, {"title": KHMER_TITLE, "summary": ""})
    assert page.status_code == 200
    assert "Give both the title and the summary" in page.content.decode()
    assert not draft.texts.exists()


def test_library_delete_removes_a_draft_not_a_published_case(published, people, client_of):
    client = client_of(people["centre_admin"])
    url = reverse("library:delete", args=[published.pk])
    assert "withdraw it from the public pages first" in client.get(url).content.decode()
    client.post(url)
    assert CaseStudy.objects.filter(pk=published.pk).exists()
    withdraw(published)
    client.post(url)
    assert not CaseStudy.objects.filter(pk=published.pk).exists()


def test_library_detail_previews_the_case_in_another_language(draft, people, client_of):
    save_translation(draft, "km", {"title": KHMER_TITLE, "summary": "សេចក្តីសង្ខេប"})
    url = reverse("library:detail", args=[draft.pk])
    page = client_of(people["enterprise_user"]).get(f"{url}?lang=km").content.decode()
    assert KHMER_TITLE in page
    assert "Publish" not in page  # the enterprise's own user reads, does not publish


# --------------------------------------------------------------------------------------------
# Anonymised cases


@pytest.fixture
def identified_enterprise(enterprise: Any) -> Any:
    """The fixtures' enterprise with a registration number, contact details and a contact."""
    enterprise.registration_number = "0101-234 567"
    enterprise.phone = "+856 21 412 345"
    enterprise.email = "info@vientiane-drinks.la"
    enterprise.address = "Thadeua Road, Km 6"
    enterprise.save()
    enterprise.contacts.create(
        name="Somphone Keomany", email="somphone@vientiane-drinks.la", phone="+856 20 5555 1234"
    )
    return enterprise


def test_anonymised_case_never_shows_what_identifies_the_enterprise(
    identified_enterprise, assessment, people, client
):
    case = start(assessment, people["consultant"], anonymised=True)
    save_translation(case, "lo", {"title": LAO_TITLE, "summary": "ສະຫຼຸບ"})
    publish(case, people["consultant"])
    case.refresh_from_db()
    assert case.enterprise_name == ""
    pages = [
        client.get(reverse("cases:list")).content.decode(),
        client.get(reverse("cases:list") + "?lang=lo").content.decode(),
        client.get(reverse("cases:detail", args=[case.slug])).content.decode(),
        client.get(reverse("cases:detail", args=[case.slug]) + "?lang=lo").content.decode(),
    ]
    forbidden = [
        "Vientiane Soft Drinks",
        "0101-234 567",
        "412 345",
        "info@vientiane-drinks.la",
        "Thadeua",
        "Somphone",
        "5555 1234",
        assessment.title,
    ]
    for page in pages:
        for text in forbidden:
            assert text not in page
    assert "A medium-sized beverage maker in Vientiane Capital, Lao PDR" in pages[2]


@pytest.mark.parametrize(
    "summary",
    [
        "Vientiane Soft Drinks repaired its pipe.",
        "Ask Somphone Keomany for the figures.",
        "Registered under 0101234567.",
        "Write to somphone@vientiane-drinks.la.",
    ],
)
def test_anonymised_case_naming_the_enterprise_is_refused(
    summary, identified_enterprise, assessment, people
):
    with pytest.raises(CaseStudyError, match="anonymised"):
        start(assessment, people["consultant"], anonymised=True, summary=summary)


def test_anonymising_a_case_whose_translation_names_the_enterprise_is_refused(
    draft, people, client_of
):
    save_translation(draft, "vi", {"title": "Vientiane Soft Drinks sửa ống", "summary": "Tóm tắt"})
    url = reverse("library:edit", args=[draft.pk])
    page = client_of(people["consultant"]).post(
        url, {"language": "en", "anonymised": "on", "sector": "beverages", "province": ""}
    )
    assert page.status_code == 200
    assert "but the case is anonymised" in page.content.decode()
    draft.refresh_from_db()
    assert draft.anonymised is False


def test_publishing_an_anonymised_case_gives_it_an_address_without_the_name(assessment, people):
    case = start(assessment, people["consultant"], anonymised=False)
    case.title = "Vientiane Soft Drinks repairs a leak"
    case.save()
    publish(case, people["consultant"])
    assert case.slug.startswith("vientiane-soft-drinks")
    withdraw(case)
    case.title = "A bottler repairs a leak"
    case.anonymised = True
    case.save()
    publish(case, people["consultant"])
    assert case.slug == "a-bottler-repairs-a-leak"


# --------------------------------------------------------------------------------------------
# The public pages


def test_public_list_and_detail_need_no_sign_in(published, client):
    page = client.get(reverse("cases:list"))
    assert page.status_code == 200
    assert published.title in page.content.decode()
    detail = client.get(reverse("cases:detail", args=[published.slug]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert published.title in html
    assert "Vientiane Soft Drinks Co., Ltd" in html  # not anonymised: named
    assert "Good housekeeping means" in html
    assert "between 1,884 and 2,398 m³, with 95 % confidence" in html
    assert "7,800,000 LAK" in html
    assert "4,400 m³" in html
    assert 'nav aria-label="Main"' not in html  # not the platform's navigation
    assert "<script" not in html


def test_public_pages_show_nothing_of_the_assessment(published, client, assessment):
    html = client.get(reverse("cases:detail", args=[published.slug])).content.decode()
    assert assessment.title not in html
    assert f"/assessments/{assessment.pk}/" not in html
    assert "lao-consultant" not in html


def test_public_detail_of_a_draft_or_withdrawn_case_is_not_found(draft, people, client):
    publish(draft, people["consultant"])
    slug = draft.slug
    withdraw(draft)
    assert client.get(reverse("cases:detail", args=[slug])).status_code == 404
    assert draft.title not in client.get(reverse("cases:list")).content.decode()
    assert client.get(reverse("cases:detail", args=["no-such-case"])).status_code == 404


def test_public_pages_are_cached_and_answer_conditional_requests(published, client):
    url = reverse("cases:detail", args=[published.slug])
    response = client.get(url)
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    etag = response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url + "?lang=vi", HTTP_IF_NONE_MATCH=etag).status_code == 200
    listing = client.get(reverse("cases:list"))
    assert client.get(reverse("cases:list"), HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304
    save_translation(published, "vi", {"title": "Sửa chỗ rò rỉ", "summary": "Tóm tắt"})
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get(reverse("cases:list"), HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 200


def test_public_pages_refuse_a_post(published, client):
    assert client.post(reverse("cases:list")).status_code == 405


def test_public_list_searches_the_texts_of_every_language(published, client):
    save_translation(published, "vi", {"title": "Sửa ống nước ở Hà Nội", "summary": "Tóm tắt"})
    url = reverse("cases:list")
    assert published.title in client.get(url + "?q=hidden+LEAK").content.decode()
    assert published.title in client.get(url + "?q=ha+noi").content.decode()
    page = client.get(url + "?q=cement+kiln").content.decode()
    assert published.title not in page
    assert "No case study matches" in page


def test_public_list_filters_by_sector_practice_and_country(assessment, people, client):
    make_published(assessment, 1, sector="beverages", practice="good housekeeping", country="LA")
    make_published(assessment, 2, sector="food", practice="technology change", country="LA")
    make_published(assessment, 3, sector="food", practice="good housekeeping", country="VN")
    url = reverse("cases:list")

    def titles(query: str) -> set[str]:
        page = client.get(f"{url}?{query}").content.decode()
        return {f"Case number {n}" for n in (1, 2, 3) if f"Case number {n}<" in page}

    assert titles("") == {"Case number 1", "Case number 2", "Case number 3"}
    assert titles("sector=food") == {"Case number 2", "Case number 3"}
    assert titles("practice=good+housekeeping") == {"Case number 1", "Case number 3"}
    assert titles("country=VN") == {"Case number 3"}
    assert titles("sector=food&country=LA") == {"Case number 2"}
    # Only the sectors and countries of published cases are offered.
    page = client.get(url).content.decode()
    assert 'value="VN"' in page
    assert 'value="KH"' not in page


def test_public_list_is_paginated(assessment, client):
    for number in range(1, 15):
        make_published(assessment, number)
    first = client.get(reverse("cases:list") + "?lang=km").content.decode()
    assert first.count('class="case-card"') == 12
    assert "page=2" in first and "lang=km" in first
    second = client.get(reverse("cases:list") + "?lang=km&page=2").content.decode()
    assert second.count('class="case-card"') == 2


def test_public_detail_falls_back_to_the_original_with_a_note(published, client):
    url = reverse("cases:detail", args=[published.slug])
    html = client.get(url + "?lang=lo").content.decode()
    assert '<html lang="lo">' in html
    assert published.title in html
    assert "ກໍລະນີສຶກສານີ້ຍັງບໍ່ໄດ້ແປເປັນ" in html  # "... has not yet been translated into"
    assert 'lang="en"' in html  # the original's text is marked as English


def test_public_detail_shows_the_translation_of_the_asked_language(published, client):
    save_translation(published, "lo", {"title": LAO_TITLE, "summary": "ສະຫຼຸບ"})
    html = client.get(reverse("cases:detail", args=[published.slug]) + "?lang=lo").content.decode()
    assert LAO_TITLE in html
    assert published.title not in html
    assert "ກໍລະນີສຶກສານີ້ຍັງບໍ່ໄດ້ແປເປັນ" not in html


def test_public_pages_take_the_visitors_language_without_a_choice(published, client):
    response = client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="vi")
    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"


def test_public_figures_follow_the_language(published, client):
    url = reverse("cases:detail", args=[published.slug])
    assert "11,440,000 LAK" in client.get(url + "?lang=en").content.decode()
    assert "11.440.000 LAK" in client.get(url + "?lang=vi").content.decode()


def test_public_list_takes_a_constant_number_of_queries(
    assessment, client, django_assert_max_num_queries
):
    make_published(assessment, 1)
    with django_assert_max_num_queries(6):
        client.get(reverse("cases:list") + "?lang=lo&q=case")
    for number in range(2, 13):
        make_published(assessment, number)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("cases:list") + "?lang=lo&q=case")
    assert page.content.decode().count('class="case-card"') == 12


def test_public_detail_takes_a_constant_number_of_queries(
    assessment, client, django_assert_max_num_queries
):
    case = make_published(assessment, 1)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("cases:detail", args=[case.slug]) + "?lang=lo")
    assert "ກໍລະນີ 1" in response.content.decode()


def test_published_queryset_holds_only_the_public_fields(published):
    case = CaseStudy.objects.published().get()
    deferred = case.get_deferred_fields()
    assert {"assessment_id", "created_by_id", "published_by_id", "search_text"} <= deferred
    assert {"title", "verified_saving", "enterprise_name"}.isdisjoint(deferred)
