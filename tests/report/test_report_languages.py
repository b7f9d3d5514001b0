"""The report's languages: catalogues complete for every message, a language refused while its
catalogue has a gap, and — with a catalogue filled in — the report in that language, with its
figures formatted for the locale and Lao and Khmer shaped in the PDF's embedded fonts.

The real catalogues (vi, lo, km) are left for translators; these tests fill a copy of one.
"""

from __future__ import annotations

import shutil
import string
import unicodedata
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po
from fontTools.ttLib import TTFont
from report_helpers import (
    KHMER_WORDS,
    LAO_WORDS,
    MULTILINGUAL,
    VIETNAMESE_WORDS,
    pdf_fonts,
    pdf_text,
    run_tool,
)

from cleanprod.core.messages import Message
from cleanprod.io import read_document
from cleanprod.report import render
from cleanprod.report.data import report_data
from cleanprod.report.formatting import Formatter
from cleanprod.report.render import ReportError, catalogue_gaps, check_language
from cleanprod.report.words import Words
from cleanprod.services.report import write_report

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))

REPORT = Path(render.__file__).parent
CORE = REPORT.parent / "core"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "t": None,
    "Message": None,
}


def _messages_of_the_sources() -> set[str]:
    """Every message the report's sources and the calculations' sentences ask for, as ``make
    messages`` extracts them."""
    method_map = [("**.py", "python"), ("**/templates/**.j2", "jinja2")]
    options = {"**/templates/**.j2": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for directory in (REPORT, CORE):
        for _, _, message, _, _ in extract_from_dir(
            directory, method_map, options, keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    return {
        message.id[0] if isinstance(message.id, tuple) else message.id
        for message in catalogue
        if message.id
    }


def test_catalogue_template_holds_every_message_of_the_report():
    template = _ids(render.template_path())
    sources = _messages_of_the_sources()
    assert sources - template == set(), "run 'make messages'"
    assert template - sources == set(), "run 'make messages'"
    assert len(template) > 250


@pytest.mark.parametrize("language", ["vi", "lo", "km"])
def test_catalogues_have_every_message_of_the_template(language):
    assert _ids(render.catalogue_path(language)) == _ids(render.template_path())


@pytest.mark.parametrize("language", ["vi", "lo", "km"])
def test_check_language_follows_the_catalogue(language):
    # The translators fill the catalogues: a complete one is taken, one with a gap refused.
    missing, total = catalogue_gaps(language)
    assert total == len(_ids(render.template_path()))
    if not missing:
        check_language(language)
        return
    with pytest.raises(ReportError, match=f"the {language} catalogue lacks {len(missing)} of"):
        check_language(language)


def test_check_language_refuses_a_catalogue_with_a_gap(incomplete_vietnamese):
    missing, total = catalogue_gaps("vi")
    assert len(missing) == 12 and total > 250
    with pytest.raises(ReportError) as raised:
        check_language("vi")
    message = str(raised.value)
    assert f"the vi catalogue lacks 12 of {total} messages (the first: '" in message
    assert "run 'make messages' and translate every empty msgstr of" in message
    assert "vi/LC_MESSAGES/cleanprod.po, or write the report in English (--lang en)" in message


def test_check_language_refuses_an_unknown_language():
    with pytest.raises(ReportError, match="'fr' is not a report language; choose one of en, vi"):
        check_language("fr")
    check_language("en")


def _filled_catalogue(locale_dir: Path, language: str, prefix: str, gaps: int = 0) -> None:
    """A copy of the template with every message translated as ``prefix`` + the English,
    placeholders kept, in ``locale_dir``; the last ``gaps`` messages left empty, but one of
    them given and marked fuzzy (which counts as a gap)."""
    with render.template_path().open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    messages = [message for message in catalogue if message.id]
    for number, message in enumerate(messages):
        if number >= len(messages) - gaps:
            message.string = "" if number > len(messages) - gaps else f"{prefix}{message.id}"
            if number == len(messages) - gaps:
                message.flags.add("fuzzy")
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(f"{prefix}{message.id[1]}" for _ in range(catalogue.num_plurals))
        else:
            message.string = f"{prefix}{message.id}"
    target = locale_dir / language / "LC_MESSAGES" / "cleanprod.po"
    target.parent.mkdir(parents=True)
    with target.open("wb") as handle:
        write_po(handle, catalogue)
    shutil.copy(render.template_path(), locale_dir / "cleanprod.pot")


@pytest.fixture
def lao_catalogue(tmp_path, monkeypatch):
    """A complete Lao catalogue (every message begins with the Lao word for 'report')."""
    _filled_catalogue(tmp_path, "lo", "ລາຍງານ ")
    monkeypatch.setattr(render, "LOCALE_DIR", tmp_path)
    render.translations.cache_clear()
    yield "ລາຍງານ "
    render.translations.cache_clear()


@pytest.fixture
def incomplete_vietnamese(tmp_path, monkeypatch):
    """A Vietnamese catalogue with 12 messages not translated (one of them fuzzy)."""
    _filled_catalogue(tmp_path, "vi", "Báo cáo ", gaps=12)
    monkeypatch.setattr(render, "LOCALE_DIR", tmp_path)
    render.translations.cache_clear()
    yield
    render.translations.cache_clear()


def test_report_in_a_filled_language_translates_every_word_and_formats_for_the_locale(
    lao_catalogue, multilingual_file, tmp_path
):
    html = tmp_path / "report.html"
    write_report(multilingual_file, html, lang="lo")
    text = html.read_text("utf-8")
    assert '<html lang="lo">' in text
    assert f"</span> {lao_catalogue}Summary</h2>" in text
    assert "</span> Summary</h2>" not in text
    # Lao groups thousands with dots; the riel has no decimals: 22 t of raw material at
    # 4,000 riel/kg.
    fmt = Formatter("lo")
    assert fmt.amount(88_000_000, "KHR") == "88.000.000"
    assert "88.000.000" in text and "88,000,000" not in text
    assert fmt.date("2025-12-31") in text


def test_pdf_shapes_lao_khmer_and_vietnamese_in_embedded_noto_fonts(
    lao_catalogue, multilingual_file, tmp_path
):
    pdf = tmp_path / "report.pdf"
    write_report(multilingual_file, pdf, lang="lo")
    fonts = pdf_fonts(pdf)
    assert all(font["emb"] == "yes" and font["uni"] == "yes" for font in fonts), fonts
    names = {font["name"].split("+", 1)[-1] for font in fonts}
    assert {"Noto-Sans", "Noto-Sans-Lao", "Noto-Sans-Khmer"} <= names
    text = pdf_text(pdf)
    # Words that come back out of the PDF as they went in: real glyphs, mapped to their text.
    for word in (*LAO_WORDS[1:], KHMER_WORDS[1], *VIETNAMESE_WORDS):
        assert word in text, word
    assert f"{lao_catalogue}Summary" in text
    # The chart labels are text too (laid over the drawing): a step's name in the Sankey.
    run_tool("pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", pdf, tmp_path / "cover")
    assert (tmp_path / "cover-01.png").stat().st_size > 1000


@pytest.mark.parametrize(
    ("family", "words"),
    [("NotoSansLao-Regular.ttf", LAO_WORDS), ("NotoSansKhmer-Regular.ttf", KHMER_WORDS)],
)
def test_installed_noto_fonts_have_a_glyph_for_every_letter(family, words):
    # With every letter in the font, Pango draws no missing-glyph box.
    path = Path("/usr/share/fonts/truetype/noto") / family
    assert path.is_file(), f"{path} is missing: install the Debian package fonts-noto-core"
    cmap = TTFont(path).getBestCmap()
    letters = {letter for word in words for letter in word if not letter.isspace()}
    missing = [
        f"U+{ord(letter):04X} {unicodedata.name(letter, '?')}"
        for letter in letters
        if ord(letter) not in cmap
    ]
    assert missing == []
    assert MULTILINGUAL["enterprise"]["name"].startswith(LAO_WORDS[0])


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        (
            "vi",
            (
                "(1.300 m3) cao hơn khoảng 10 lần so với giá trị của cân bằng (129 ± 26 m3)",
                "nhầm dấu thập phân một chữ số",
                "(χ² 0,32 < 11,07)",
                "dùng hệ số lưới điện năm 2023 cho năm 2024",
            ),
        ),
        (
            "lo",
            (
                "(1.300 m3) ສູງກວ່າຄ່າຂອງຄວາມສົມດຸນ ປະມານ 10 ເທື່ອ (129 ± 26 m3)",
                "ຈຸດທົດສະນິຍົມຜິດໄປໜຶ່ງຕຳແໜ່ງ",
                "(χ² 0,32 < 11,07)",
                "ໃຊ້ຄ່າສຳປະສິດຂອງລະບົບສາຍສົ່ງໄຟຟ້າປີ 2023 ສຳລັບປີ 2024",
            ),
        ),
        (
            "km",
            (
                "(1,300 m3) ខ្ពស់ជាងតម្លៃរបស់តុល្យភាពប្រហែល 10 ដង (129 ± 26 m3)",
                "កំហុសក្បៀសទសភាគមួយខ្ទង់",
                "(χ² 0.32 < 11.07)",
                "ប្រើមេគុណបណ្ដាញអគ្គិសនីឆ្នាំ 2023 សម្រាប់ឆ្នាំ 2024",
            ),
        ),
    ],
)
def test_suspects_and_notes_are_in_the_report_language(tmp_path, language, phrases):
    # The silk workshop's rinsing water (1300 m3 for 130) is a suspect: in Vietnamese, Lao and
    # Khmer its explanation and the calculations' notes are translated, their figures written
    # with the locale's signs (Vietnamese and Lao group with dots and mark decimals with commas).
    examples = Path(__file__).parents[2] / "examples"
    (output,) = write_report(examples / "vn-silk-dyeing.yaml", tmp_path / "r.html", language)
    html = unescape(output.read_text(encoding="utf-8"))
    for phrase in phrases:
        assert phrase in html, phrase
    assert "about 10 times higher than the balance says" not in html
    assert "grid factor of 2023" not in html
    assert "in English" not in html
    assert html.count('<ul class="notes">') > 0


def _fields(text: str) -> list[tuple[str, str]]:
    return sorted((name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name)


@pytest.mark.parametrize("language", ["vi", "lo", "km"])
def test_the_calculations_sentences_keep_their_placeholders_in_every_catalogue(language):
    with render.catalogue_path(language).open("rb") as handle:
        catalogue = read_po(handle)
    sentences = [message for message in catalogue if "python-brace-format" in message.flags]
    assert len(sentences) > 100
    for message in sentences:
        assert _fields(message.string) == _fields(message.id), message.id


def _sentences(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """The calculations' sentences a report shows: notes, explanations, names, reasons."""
    found = []
    for part in ("costs", "indicators", "focus", "emissions"):
        found += [(part, note) for note in (data[part] or {}).get("notes", [])]
    for layer in data["layers"].values():
        found += [("suspect", suspect["explanation"]) for suspect in layer["suspects"]]
    indicators = data["indicators"] or {"products": {}, "site": {"indicators": [], "totals": []}}
    for scope in [*indicators["products"].values(), indicators["site"]]:
        for indicator in scope["indicators"]:
            found += [("benchmark", indicator["benchmark_note"]), ("name", indicator["name"])]
    found += [("name", total["name"]) for total in indicators["site"]["totals"]]
    for option in data["options"].values():
        found += [("option", note) for note in option["notes"]]
        found += [("name", what) for what in option.get("levelised_cost") or {}]
    return [(kind, text) for kind, text in found if text]


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_no_sentence_of_the_calculations_is_left_in_english(example):
    # Every note and explanation of every example is a Message, and in Vietnamese, Lao and
    # Khmer none is left as its English text (a name of the document stays as it is).
    sentences = _sentences(report_data(read_document(example)))
    assert sentences
    for kind, text in sentences:
        assert kind == "name" or isinstance(text, Message), (kind, text)
    for language in ("vi", "lo", "km"):
        words = Words(render.translations(language).gettext, Formatter(language).separators)
        for kind, text in sentences:
            if isinstance(text, Message):
                assert words.message(text) != text, (language, kind, text)
