"""The case-study library in a real browser: a consultant writes a case study of an implemented
option, translates it into Lao and publishes it; a visitor without an account finds it on the
public pages, on a phone, and reads it in Lao and in Khmer.

Screenshots of each step are kept under tests/artifacts/browser/.
"""

from __future__ import annotations

import re

LAO_TITLE = "ການສ້ອມແປງທໍ່ນ້ຳຮົ່ວທີ່ເບິ່ງບໍ່ເຫັນ"
LAO_SUMMARY = "ການທົດສອບຄວາມດັນພົບຈຸດຮົ່ວທີ່ການດຸ່ນດ່ຽງນ້ຳຊີ້ບອກ; ໃບບິນຄ່ານ້ຳຫຼຸດລົງ 13 %."
KHMER_TITLE = "ការជួសជុលបំពង់ទឹកលេចដែលមើលមិនឃើញ"
KHMER_SUMMARY = "ការធ្វើតេស្តសម្ពាធបានរកឃើញកន្លែងលេច ហើយវិក្កយបត្រទឹកបានធ្លាក់ចុះ ១៣ %។"


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def test_consultant_publishes_a_case_a_visitor_reads_it_in_lao_and_khmer(
    page, live_server, people, password, assessment
):
    from cleanprod.web.library.models import CaseStudy
    from cleanprod.web.library.publishing import save_translation

    sign_in(page, live_server, "lao-consultant", password)

    # Choose the implemented option and write its story.
    page.goto(f"{live_server.url}/library/")
    page.click("text=New case study")
    page.wait_for_url(re.compile(r".*/library/new/$"))
    page.shot("1-implemented-options")
    page.click("text=Write its case study")
    page.wait_for_url(re.compile(r".*/library/new/\?assessment=\d+&option=.+"))
    page.fill("#id_title", "Repairing a hidden leak")
    page.fill(
        "#id_summary",
        "A pressure test found the leak the water balance pointed at; the bills fell by 13 %.",
    )
    page.fill("#id_problem", "The city meter read 16 % more water than the plant's uses.")
    page.fill("#id_action", "The plumber dug up and replaced 40 m of cracked pipe in a day.")
    page.fill("#id_lessons", "Close the water balance before buying new equipment.")
    page.shot("2-new-case")
    page.click("form.case-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/library/\d+/$"))
    case = CaseStudy.objects.get()
    assert case.status == "draft"

    # Its Lao translation, through the translation page; its Khmer one, given here.
    page.goto(f"{live_server.url}/library/{case.pk}/text/lo/")
    page.fill("#id_title", LAO_TITLE)
    page.fill("#id_summary", LAO_SUMMARY)
    page.shot("3-translate-lao")
    page.click("form.case-form button[name=save]")
    page.wait_for_url(re.compile(r".*/library/\d+/\?lang=lo$"))
    save_translation(case, "km", {"title": KHMER_TITLE, "summary": KHMER_SUMMARY})

    # Publish.
    page.goto(f"{live_server.url}/library/{case.pk}/")
    page.click("form[action$='/publish/'] button")
    page.wait_for_selector("ul.messages li.success")
    assert "is published" in page.locator("ul.messages").inner_text()
    page.shot("4-published")
    case.refresh_from_db()
    assert case.status == "published"

    # Sign out: a visitor on a phone, without an account.
    page.click("text=Sign out")
    page.wait_for_url(re.compile(r".*/login/.*"))
    page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto(f"{live_server.url}/cases/")
    assert response.status == 200
    assert "public" in response.headers["cache-control"]
    page.shot("5-public-list")
    page.click("text=Repairing a hidden leak")
    page.wait_for_url(re.compile(rf".*/cases/{case.slug}/.*"))
    assert page.locator("h1").inner_text() == "Repairing a hidden leak"
    assert "95 % confidence" in page.locator("main").inner_text()
    page.shot("6-public-case-english")

    # In Lao, then in Khmer, by the page's language links.
    page.click("nav.languages a[lang=lo]")
    page.wait_for_url(re.compile(r".*lang=lo.*"))
    assert page.locator("html").get_attribute("lang") == "lo"
    assert page.locator("h1").inner_text() == LAO_TITLE
    assert LAO_SUMMARY in page.locator("main").inner_text()
    assert page.locator("h1").bounding_box()["width"] > 100  # drawn, with a Lao font
    page.shot("7-public-case-lao")

    page.click("nav.languages a[lang=km]")
    page.wait_for_url(re.compile(r".*lang=km.*"))
    assert page.locator("html").get_attribute("lang") == "km"
    assert page.locator("h1").inner_text() == KHMER_TITLE
    assert KHMER_SUMMARY in page.locator("main").inner_text()
    page.shot("8-public-case-khmer")

    # Back to the list, still in Khmer; no sign-in is ever asked.
    page.click("p.back a")
    page.wait_for_url(re.compile(r".*/cases/\?lang=km$"))
    assert page.locator(".case-card h2").first.inner_text() == KHMER_TITLE
    page.shot("9-public-list-khmer")
