"""Lao and Khmer in a real browser: a consultant whose profile says Lao reads the dashboard in
Lao, switches it to Khmer with the header's switch, and a visitor reads the sign-in page in
Khmer. Chromium must draw the text with Noto Sans Lao and Noto Sans Khmer (Debian's
fonts-noto-core), which shape the vowels and subscript consonants around their base letters:
the test asks Chromium which fonts it drew each heading with, and the screenshots under
tests/artifacts/browser/ show the result.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real
from django.utils.translation.reloader import translation_file_changed

from cleanprod.web.site.management.commands.compile_catalogues import stale_catalogues

#: The font each script must be drawn with, and the script's letters (Unicode blocks).
FONTS = {"lo": "Noto Sans Lao", "km": "Noto Sans Khmer"}
SCRIPTS = {"lo": re.compile("[\u0e80-\u0eff]"), "km": re.compile("[\u1780-\u17ff]")}


@pytest.fixture(autouse=True)
def compiled_catalogues() -> None:
    if stale_catalogues():
        call_command("compile_catalogues", verbosity=0)
        translation_file_changed(None, Path("django.mo"))
        trans_real.check_for_language.cache_clear()
        trans_real.get_supported_language_variant.cache_clear()


def in_language(language: str, english: str) -> str:
    with translation.override(language):
        return translation.gettext(english)


def fonts_of(page: Any, selector: str) -> dict[str, int]:
    """The fonts Chromium drew the text of ``selector`` with: family → glyphs."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    document = session.send("DOM.getDocument", {"depth": 0})
    node = session.send(
        "DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector}
    )
    used = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    session.detach()
    return {font["familyName"]: font["glyphCount"] for font in used["fonts"]}


def assert_drawn_in(page: Any, language: str, selector: str = "h1") -> None:
    text = page.locator(selector).first.inner_text()
    assert SCRIPTS[language].search(text), f"{text!r} is not in {language}'s script"
    fonts = fonts_of(page, selector)
    assert FONTS[language] in fonts, f"{text!r} was drawn with {fonts}, not {FONTS[language]}"


def test_dashboard_in_lao_then_switched_to_khmer(
    page: Any, live_server: Any, people: dict[str, Any], password: str, assessment: Any
) -> None:
    people["consultant"].profile.language = "lo"
    people["consultant"].profile.save()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "lao-consultant")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))

    assert page.locator("html").get_attribute("lang") == "lo"
    assert page.locator("h1").inner_text() == in_language("lo", "Dashboard")
    assert_drawn_in(page, "lo")
    assert_drawn_in(page, "lo", "nav")
    page.shot("1-dashboard-lo")

    page.click("form.languages button[value=km]")
    page.wait_for_function("document.documentElement.lang === 'km'")
    assert page.locator("h1").inner_text() == in_language("km", "Dashboard")
    assert_drawn_in(page, "km")
    assert_drawn_in(page, "km", "nav")
    page.shot("2-dashboard-km")

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")
    assert page.locator("html").get_attribute("lang") == "km"
    assert_drawn_in(page, "km", "main h2")
    page.shot("3-results-km")


def test_visitor_reads_the_sign_in_page_in_khmer(page: Any, live_server: Any, db: Any) -> None:
    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("form.languages button[value=km]")
    page.wait_for_function("document.documentElement.lang === 'km'")
    assert page.locator("h1").inner_text() == in_language("km", "Sign in")
    assert_drawn_in(page, "km")
    assert_drawn_in(page, "km", "form.login")
    page.shot("sign-in-km")
    page.click("form.languages button[value=lo]")
    page.wait_for_function("document.documentElement.lang === 'lo'")
    assert_drawn_in(page, "lo", "form.login")
    page.shot("sign-in-lo")
