"""The calculations' sentences: English as plain text, translatable with their parameters."""

from __future__ import annotations

import copy
import json
import pickle

import pydantic

from cleanprod.core.messages import Message, join_words, layer_word, sentences, translate

#: A small catalogue, in the way the report's gettext gives it.
FRENCH = {
    "{flow}: its quantity is zero; no indicators": "{flow} : sa quantité est nulle",
    "{step}: {amount:,.0f} of costs cannot be split: {reason}": (
        "{step} : {amount:,.0f} de coûts ne peuvent être répartis : {reason}"
    ),
    "the balance cannot estimate {flows}": "le bilan ne peut estimer {flows}",
    "{items} and {last}": "{items} et {last}",
    "mass": "masse",
    "water": "eau",
    "It rains.": "Il pleut.",
    "It snows.": "Il neige.",
}


def french(message: str) -> str:
    return FRENCH.get(message, message)


def test_message_is_the_english_sentence():
    note = Message("{flow}: its quantity is zero; no indicators", flow="bottles")
    assert note == "bottles: its quantity is zero; no indicators"
    assert isinstance(note, str)
    assert note.template == "{flow}: its quantity is zero; no indicators"
    assert note.params == {"flow": "bottles"}
    assert note.startswith("bottles:") and "zero" in note
    assert {note: 1}["bottles: its quantity is zero; no indicators"] == 1


def test_message_numbers_follow_the_format_spec_of_their_placeholder():
    note = Message(
        "{step}: {amount:,.0f} of costs cannot be split: {reason}",
        step="dyeing",
        amount=901013281.4,
        reason=Message("the balance cannot estimate {flows}", flows="dyed-yarn"),
    )
    assert (
        note
        == "dyeing: 901,013,281 of costs cannot be split: the balance cannot estimate dyed-yarn"
    )


def test_translate_translates_the_parameters_that_are_messages_and_writes_numbers_in_the_locale():
    note = Message(
        "{step}: {amount:,.0f} of costs cannot be split: {reason}",
        step="dyeing",
        amount=901013281.4,
        reason=Message("the balance cannot estimate {flows}", flows="dyed-yarn"),
    )
    assert note.translate(french, decimal=",", group=".") == (
        "dyeing : 901.013.281 de coûts ne peuvent être répartis : le bilan ne peut estimer "
        "dyed-yarn"
    )
    # In English the translation is the sentence itself.
    assert note.translate(lambda message: message) == note


def test_translate_leaves_names_and_texts_as_they_are():
    assert translate("a name from the document", french) == "a name from the document"
    assert translate(None, french) is None
    # A name that happens to be a message of the catalogue is not translated: only Messages.
    assert Message("{flow}: its quantity is zero; no indicators", flow="mass").translate(
        french
    ) == ("mass : sa quantité est nulle")


def test_wordless_figures_take_the_locale_signs_and_need_no_translation():
    figure = Message.wordless(
        "{value:,.{decimals}f} ± {sd:,.{decimals}f} {unit}",
        value=1234.5,
        sd=12.3,
        decimals=1,
        unit="m3",
    )
    assert figure == "1,234.5 ± 12.3 m3"
    assert figure.translate(french, decimal=",", group=".") == "1.234,5 ± 12,3 m3"


def test_words_are_joined_into_one_translatable_phrase():
    layers = join_words([layer_word("mass"), layer_word("water"), layer_word("cod")])
    assert layers == "mass, water and cod"
    assert translate(layers, french) == "masse, eau et cod"
    assert join_words(["only"]) == "only" and join_words([]) == ""
    assert layer_word("cod") == "cod"


def test_sentences_are_translated_each_on_its_own():
    text = sentences(Message("It rains."), "", Message("It snows."))
    assert text == "It rains. It snows."
    assert translate(text, french) == "Il pleut. Il neige."
    assert sentences(Message("It rains.")) == "It rains."


def test_a_translation_whose_placeholders_do_not_fit_falls_back_to_english():
    note = Message("{flow}: its quantity is zero; no indicators", flow="bottles")
    broken = {note.template: "{flux} : sa quantité est nulle"}
    assert note.translate(lambda message: broken.get(message, message)) == note


def test_json_pickle_copy_and_pydantic_give_the_plain_string():
    note = Message("{flow}: its quantity is zero; no indicators", flow="bottles")
    text = "bottles: its quantity is zero; no indicators"
    assert json.dumps({"notes": [note], note: 1}) == json.dumps({"notes": [text], text: 1})
    for copied in (pickle.loads(pickle.dumps(note)), copy.copy(note), copy.deepcopy(note)):
        assert copied == text and type(copied) is str

    class Row(pydantic.BaseModel):
        note: str

    row = Row(note=note)
    assert row.model_dump() == {"note": text}
    assert row.model_dump_json() == json.dumps({"note": text}, separators=(",", ":"))
