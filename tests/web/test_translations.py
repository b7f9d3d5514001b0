"""The platform in English, Vietnamese, Lao and Khmer.

- Every catalogue (``src/cleanprod/web/locale/<language>/LC_MESSAGES/*.po``) translates every
  message, none fuzzy, with the placeholders of its source; the failures name each message.
  These tests fail when new strings arrive in the code: run ``make web-messages``, translate
  the empty and fuzzy messages, and run them again.
- The catalogues are up to date with the code: Django's ``makemessages`` is run over a copy of
  ``src/cleanprod/web`` (GNU gettext, about 2 s) and each message it finds must be in every
  catalogue, and nothing else.
- A page comes in the language of the visitor's switch, else of the signed-in user's profile,
  else of the browser (``cleanprod/web/site/language.py``), with the figures of that locale.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol, get_group_symbol
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import formats, translation
from django.utils.translation import trans_real
from django.utils.translation.reloader import translation_file_changed

from cleanprod.web.site import language as language_module
from cleanprod.web.site.management.commands.compile_catalogues import (
    catalogue_paths,
    catalogue_problems,
    placeholder_problem,
    read_catalogue,
    stale_catalogues,
)

WEB = Path(language_module.__file__).resolve().parents[1]
LOCALE = WEB / "locale"
LANGUAGES = ("vi", "lo", "km")
CATALOGUES = [LOCALE / language / "LC_MESSAGES" / "django.po" for language in LANGUAGES]
#: The letters of each script (Unicode blocks), to tell a translated page from an English one.
SCRIPTS = {"lo": re.compile("[\u0e80-\u0eff]"), "km": re.compile("[\u1780-\u17ff]")}


def reset_translations() -> None:
    """Forget the catalogues Django has read (as its autoreloader does when a .mo changes)."""
    translation_file_changed(None, Path("django.mo"))
    trans_real.check_for_language.cache_clear()
    trans_real.get_languages.cache_clear()
    trans_real.get_supported_language_variant.cache_clear()


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> Iterator[None]:
    """The .mo files, compiled here when a .po file is newer (``make test`` compiles them
    before; without them Django does not know Lao at all)."""
    if stale_catalogues():
        call_command("compile_catalogues", verbosity=0)
        reset_translations()
    yield


def key(message: Any) -> tuple[str | None, str]:
    """(context, msgid) of a catalogue's message (its singular for a plural one)."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, msgid


def describe(messages: list[tuple[str | None, str]]) -> str:
    return "\n".join(
        f"  {msgid!r}" + (f" (context {context!r})" if context else "")
        for context, msgid in sorted(messages, key=lambda item: (item[1], item[0] or ""))
    )


# ---- the catalogues -------------------------------------------------------------------------


def test_every_language_of_the_settings_has_a_catalogue(settings: Any) -> None:
    languages = {code for code, _ in settings.LANGUAGES} - {"en"}
    assert languages == set(LANGUAGES)
    assert {path.parent.parent.name for path in catalogue_paths()} >= languages


@pytest.mark.parametrize("path", CATALOGUES, ids=LANGUAGES)
def test_catalogue_header_says_its_language_and_one_plural_form(path: Path) -> None:
    catalog = read_catalogue(path)
    assert str(catalog.locale) == path.parent.parent.name
    assert not catalog.fuzzy, f"{path}: the header is marked fuzzy"
    # Vietnamese, Lao and Khmer do not inflect nouns for number.
    assert (catalog.num_plurals, catalog.plural_expr) == (1, "0")


@pytest.mark.parametrize("path", CATALOGUES, ids=LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(path: Path) -> None:
    catalog = read_catalogue(path)
    problems = [
        problem
        for problem in catalogue_problems(path, catalog)
        if problem.reason == "not translated" or problem.message.fuzzy or "plural" in problem.reason
    ]
    untranslated = [key(p.message) for p in problems if p.reason == "not translated"]
    fuzzy = [key(p.message) for p in problems if p.reason != "not translated" and p.message.fuzzy]
    other = [f"  {p}" for p in problems if p.reason != "not translated" and not p.message.fuzzy]
    assert not problems, (
        f"{path}: {len(untranslated)} message(s) not translated, {len(fuzzy)} fuzzy (their "
        "source changed: check the translation and remove the fuzzy flag). Translate them, "
        "keeping every placeholder, and run the tests again:\n"
        + (f"not translated:\n{describe(untranslated)}\n" if untranslated else "")
        + (f"fuzzy:\n{describe(fuzzy)}\n" if fuzzy else "")
        + "\n".join(other)
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=LANGUAGES)
def test_translations_keep_the_placeholders_of_their_source(path: Path) -> None:
    catalog = read_catalogue(path)
    wrong = [
        f"  {key(message)[1]!r} → {message.string!r}: {problem}"
        for message in catalog
        if message.id and (problem := placeholder_problem(message))
    ]
    assert not wrong, f"{path}: placeholders differ from the source:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", CATALOGUES, ids=LANGUAGES)
def test_gettext_checks_the_catalogue(path: Path) -> None:
    """GNU msgfmt's own checks: the syntax, the header, and the format of every message
    (python-format, python-brace-format)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext is not installed (Debian's package gettext; make installs it)")
    result = subprocess.run(
        [msgfmt, "--check", "--check-format", "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_django_messages_are_django_s_own() -> None:
    """The messages of Django that the platform translates (language.DJANGO_MESSAGES) are
    word for word those Django and django-auditlog use, or the translation is never read."""
    known: set[tuple[str | None, str]] = set()
    for path in Path(django.__file__).parent.glob("**/locale/en/LC_MESSAGES/django.po"):
        with path.open("rb") as file:
            known |= {key(message) for message in read_po(file) if message.id}
    import auditlog.models

    auditlog_source = Path(auditlog.models.__file__).read_text(encoding="utf-8")
    known |= {(None, text) for text in re.findall(r'_\("([^"]+)"\)', auditlog_source)}
    listed = []
    for entry in language_module.DJANGO_MESSAGES:
        if isinstance(entry, str):
            listed.append((None, entry))
        else:  # a lazy plural: it pickles as (function, resultclass, number, its arguments)
            arguments = entry.__reduce__()[1][3]
            listed.append((arguments.get("context"), arguments["singular"]))
    unknown = [message for message in listed if message not in known]
    assert not unknown, "Not messages of Django or django-auditlog:\n" + describe(unknown)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str | None, str]]:
    """Every message of the code: ``make web-messages``'s extraction, into a copy."""
    if shutil.which("xgettext") is None:
        message = "GNU gettext is not installed (Debian's package gettext; make installs it)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("extraction")
    copy = root / "web"
    shutil.copytree(WEB, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    (copy / "locale").mkdir()
    (root / "extraction_settings.py").write_text(
        "from cleanprod.web.settings import *  # noqa: F403\n"
        f"LOCALE_PATHS = [{str(copy / 'locale')!r}]\n",
        encoding="utf-8",
    )
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "extraction_settings",
        "PYTHONPATH": str(root),
        "CLEANPROD_DATA_DIR": str(root / "data"),
    }
    result = subprocess.run(
        [
            *(sys.executable, "-P", "-m", "django", "makemessages"),
            *("-d", "django", "-l", "vi", "--no-location", "--no-obsolete"),
        ],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with (copy / "locale" / "vi" / "LC_MESSAGES" / "django.po").open("rb") as file:
        return {key(message) for message in read_po(file) if message.id}


@pytest.mark.parametrize("path", CATALOGUES, ids=LANGUAGES)
def test_catalogue_is_up_to_date_with_the_code(
    path: Path, extracted: set[tuple[str | None, str]]
) -> None:
    with path.open("rb") as file:
        in_catalogue = {key(message) for message in read_po(file) if message.id}
    missing = extracted - in_catalogue
    unused = in_catalogue - extracted
    assert not missing and not unused, (
        f"{path} is behind the code: run `make web-messages`, then translate the new "
        "messages.\n"
        + (f"In the code, not in the catalogue:\n{describe(list(missing))}\n" if missing else "")
        + (f"In the catalogue, no longer in the code:\n{describe(list(unused))}" if unused else "")
    )


# ---- compiling ------------------------------------------------------------------------------


@pytest.fixture
def small_locale(tmp_path: Path, settings: Any) -> Path:
    """A locale path with one Lao catalogue: one message translated, one empty, one fuzzy."""
    folder = tmp_path / "lo" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: lo\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "Dashboard"\nmsgstr "ໜ້າຫຼັກ"\n\n'
        'msgid "Sign in"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Sign out"\nmsgstr "ອອກ"\n\n'
        '#, python-format\nmsgid "Edit %(name)s"\nmsgstr "ແກ້ໄຂ %(nom)s"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]
    return folder


def test_compile_strict_refuses_naming_each_message(small_locale: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("compile_catalogues", strict=True, verbosity=0)
    text = str(refused.value)
    assert "'Sign in': not translated" in text
    assert "'Sign out'" in text and "fuzzy" in text
    assert "'Edit %(name)s': placeholders not in the source: nom" in text
    assert "Dashboard" not in text
    assert not (small_locale / "django.mo").exists()


def test_compile_leaves_out_what_cannot_be_used(small_locale: Path) -> None:
    import gettext

    call_command("compile_catalogues", verbosity=0, stderr=open(os.devnull, "w"))  # noqa: SIM115
    with (small_locale / "django.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    assert compiled.gettext("Dashboard") == "ໜ້າຫຼັກ"
    for english in ("Sign in", "Sign out", "Edit %(name)s"):
        assert compiled.gettext(english) == english


# ---- formats --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_number_signs_are_cldr_s_as_in_the_report(language: str) -> None:
    assert formats.get_format("DECIMAL_SEPARATOR", language) == get_decimal_symbol(language)
    assert formats.get_format("THOUSAND_SEPARATOR", language) == get_group_symbol(language)
    assert formats.get_format("NUMBER_GROUPING", language) == 3


@pytest.mark.parametrize(
    ("language", "number", "date"),
    [
        ("en", "1,234,567.5", "Nov. 26, 2026"),
        ("vi", "1.234.567,5", "Ngày 26 tháng 11 năm 2026"),
        ("lo", "1.234.567,5", "26 ພະຈິກ 2026"),
        ("km", "1,234,567.5", "26 ខែ វិច្ឆិកា ឆ្នាំ 2026"),
    ],
)
def test_numbers_and_dates_in_each_language(language: str, number: str, date: str) -> None:
    import datetime

    with translation.override(language):
        assert formats.number_format(1234567.5, 1, force_grouping=True) == number
        assert formats.date_format(datetime.date(2026, 11, 26)) == date


# ---- pages ----------------------------------------------------------------------------------


def in_language(language: str, english: str) -> str:
    """``english`` as the platform's catalogue of ``language`` says it (not English)."""
    with translation.override(language):
        translated = translation.gettext(english)
    assert translated != english, f"{english!r} is not translated into {language}"
    return translated


def set_language(user: Any, language: str) -> None:
    user.profile.language = language
    user.profile.save()


def test_a_signed_in_user_gets_the_dashboard_in_the_language_of_their_profile(
    client_of: Any, people: dict[str, Any]
) -> None:
    set_language(people["consultant"], "lo")
    page = client_of(people["consultant"]).get("/")
    html = page.content.decode()
    assert '<html lang="lo">' in html
    assert page["Content-Language"] == "lo"
    assert f"<h1>{in_language('lo', 'Dashboard')}</h1>" in html
    assert in_language("lo", "enterprises you can see") in html
    assert in_language("lo", "Sign out") in html
    assert ">Dashboard<" not in html


def test_the_profile_s_language_comes_before_the_browser_s(
    client_of: Any, people: dict[str, Any]
) -> None:
    set_language(people["consultant"], "km")
    page = client_of(people["consultant"]).get("/", HTTP_ACCEPT_LANGUAGE="vi,en;q=0.5")
    assert '<html lang="km">' in page.content.decode()


def test_the_switch_comes_before_the_profile(client_of: Any, people: dict[str, Any]) -> None:
    set_language(people["consultant"], "lo")
    client = client_of(people["consultant"])
    answer = client.post("/i18n/setlang/", {"language": "vi", "next": "/enterprises/"})
    assert (answer.status_code, answer["Location"]) == (302, "/enterprises/")
    html = client.get("/enterprises/").content.decode()
    assert '<html lang="vi">' in html
    assert in_language("vi", "Enterprises") in html
    # The switch lasts for the browser's session; the profile is unchanged.
    people["consultant"].profile.refresh_from_db()
    assert people["consultant"].profile.language == "lo"


def test_a_visitor_switches_the_sign_in_page_to_khmer(client: Any, db: Any) -> None:
    html = client.get("/login/").content.decode()
    assert '<html lang="en">' in html
    # The switch is on the page for everyone: the four languages, each in its own words.
    assert 'action="/i18n/setlang/"' in html
    for code, name in (("en", "English"), ("vi", "Tiếng Việt"), ("lo", "ລາວ"), ("km", "ខ្មែរ")):
        assert f'value="{code}" lang="{code}"' in html and f">{name}</button>" in html
    answer = client.post("/i18n/setlang/", {"language": "km", "next": "/login/"})
    assert (answer.status_code, answer["Location"]) == (302, "/login/")
    page = client.get("/login/")
    html = page.content.decode()
    assert '<html lang="km">' in html
    assert page["Content-Language"] == "km"
    assert f"<h1>{in_language('km', 'Sign in')}</h1>" in html
    assert in_language("km", "User name") in html and in_language("km", "Password") in html
    # The switch names each language in its own words, whatever the page's language.
    for code, name in (("en", "English"), ("vi", "Tiếng Việt"), ("lo", "ລາວ"), ("km", "ខ្មែរ")):
        assert f'value="{code}" lang="{code}"' in html and f">{name}</button>" in html


def test_a_visitor_s_browser_language_is_used_without_the_switch(client: Any, db: Any) -> None:
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="vi-VN,vi;q=0.9").content.decode()
    assert '<html lang="vi">' in html
    assert in_language("vi", "Sign in") in html


def test_a_wrong_sign_in_is_refused_in_lao(client: Any, people: dict[str, Any]) -> None:
    """Django's own messages (the sign-in form's) come from the platform's catalogue."""
    client.cookies["django_language"] = "lo"
    html = client.post("/login/", {"username": "nobody", "password": "wrong"}).content.decode()
    refusal = in_language(
        "lo",
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive.",
    ) % {"username": in_language("lo", "username")}
    assert refusal in html


@pytest.mark.parametrize(
    ("language", "group"), [("en", ","), ("vi", "."), ("lo", "."), ("km", ",")]
)
def test_dashboard_figures_are_written_for_the_locale(
    client_of: Any, people: dict[str, Any], assessment: Any, language: str, group: str
) -> None:
    """The sums of money of the dashboard, grouped by thousands with the locale's sign, and
    "a minute ago" in the language."""
    from django.db.models import Sum

    from cleanprod.web.assessments.models import AssessmentOption

    set_language(people["consultant"], language)
    html = client_of(people["consultant"]).get("/").content.decode()
    totals = AssessmentOption.objects.filter(assessment=assessment).aggregate(
        investment=Sum("investment")
    )
    investment = round(totals["investment"])
    assert investment >= 1000
    written = f"{investment:,}".replace(",", group)
    assert f'<td class="number">{written}</td>' in html
    # "3 minutes ago" of the assessment changed lately, in the page's language.
    ago = (
        ("a second ago", "%(count)s\u00a0seconds ago"),
        ("a minute ago", "%(count)s\u00a0minutes ago"),
    )
    with translation.override(language):
        forms = [translation.gettext("now")]
        for singular, plural in ago:
            forms += [translation.ngettext(singular, plural, 1)]
            forms += [translation.ngettext(singular, plural, 2).split("\u00a0")[-1]]
    assert any(form in html for form in forms if "%(" not in form), forms
    if language in SCRIPTS:
        assert " ago<" not in html
