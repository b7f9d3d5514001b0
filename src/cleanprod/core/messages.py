"""The calculations' sentences, in English and ready to be translated: :class:`Message`.

The core explains its results in sentences — the notes of the costs, indicators, emissions,
focus and options, a suspect figure's explanation, a meter's reason. Each is a
:class:`Message`: a ``str`` that *is* the English sentence, so that JSON, the text output and
every comparison see plain text, and that also keeps its ``template`` and ``params``, so that a
report in another language can say it again (:meth:`Message.translate`)::

    note = Message("{flow}: its quantity is zero; no indicators", flow="bottles")
    note == "bottles: its quantity is zero; no indicators"
    note.translate(gettext)       # gettext(note.template).format(flow="bottles")

The template is a :meth:`str.format` pattern and the msgid of the report's catalogues:
``make messages`` extracts every ``Message("...")`` of the core, so the first argument is
always a literal string — one whole sentence or clause, never pieces glued together.

**The rule of the parameters.** A parameter is one of three things:

- **a Message** (a clause, a cause, words joined by "and"): translated in its turn;
- **a number** (``int`` or ``float``): written by the format spec of its placeholder
  (``{cost:,.0f}``, ``{share:.2g}``); in English as Python writes it, in another language the
  same digits with the locale's decimal and grouping signs (``1,234.5`` → ``1.234,5``);
- **anything else** (a name or id from the document, a unit, a code): shown as it is.

A figure whose rounding a placeholder cannot say in a sentence (a value to the decimals its
standard deviation allows, ``1,500 ± 700 t``), and the glue between sentences, are made with
:meth:`Message.wordless`: a pattern of placeholders and signs only, which is not extracted and
needs no translation, and whose numbers still take the locale's signs.

A Message pickles and copies as the plain English string: its template and parameters serve
the report that made it, not storage.
"""

from __future__ import annotations

import numbers
import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any


class Message(str):
    """An English sentence of the calculations, with what it takes to translate it.

    Parameters
    ----------
    template
        The sentence as a :meth:`str.format` pattern; the msgid of its translations.
    **params
        The values of its placeholders (see the module's rule of the parameters).
    """

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        message = super().__new__(cls, template.format(**params))
        message.template = template
        message.params = params
        return message

    @classmethod
    def wordless(cls, pattern: str, /, **params: Any) -> Message:
        """A Message of placeholders and signs only — a rounded figure, sentences side by
        side — which ``make messages`` does not extract: it needs no translation."""
        return cls(pattern, **params)

    def translate(self, gettext: Callable[[str], str], decimal: str = ".", group: str = ",") -> str:
        """The sentence in the language of ``gettext``, its numbers written with the
        ``decimal`` and ``group`` signs, its Message parameters translated in turn.

        A translation whose placeholders do not fit the parameters (a slip in a catalogue)
        falls back to the English template rather than lose the sentence.
        """
        params = {
            name: translate(value, gettext, decimal, group) for name, value in self.params.items()
        }
        formatter = _LocaleFormatter(decimal, group)
        try:
            return formatter.vformat(gettext(self.template), (), params)
        except (KeyError, IndexError, ValueError):
            return formatter.vformat(self.template, (), params)

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return (str, (str(self),))


def translate(
    text: Any, gettext: Callable[[str], str], decimal: str = ".", group: str = ","
) -> Any:
    """``text`` translated when it is a :class:`Message`; any other value as it is."""
    if isinstance(text, Message):
        return text.translate(gettext, decimal, group)
    return text


class _LocaleFormatter(string.Formatter):
    """:meth:`str.format` with the numbers' decimal and grouping signs of a locale."""

    def __init__(self, decimal: str, group: str):
        self.signs = str.maketrans({".": decimal, ",": group})

    def format_field(self, value: Any, format_spec: str) -> str:
        text = format(value, format_spec)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            text = text.translate(self.signs)
        return text


# --------------------------------------------------------------------------------------------
# Words and lists inside sentences


#: The built-in layers, as a sentence names them ("the mass balance").
LAYER_WORDS = {"mass": Message("mass"), "water": Message("water"), "energy": Message("energy")}

#: The kinds of flow, as a sentence names them.
KIND_WORDS = {
    "input": Message("input"),
    "product": Message("product"),
    "by-product": Message("by-product"),
    "loss": Message("loss"),
    "emission": Message("emission"),
    "internal": Message("internal"),
}


def layer_word(layer: str) -> str:
    """A layer in a sentence: the built-in ones translatable, a declared one by its id."""
    return LAYER_WORDS.get(layer, layer)


def kind_word(kind: str) -> str:
    """A kind of flow in a sentence."""
    return KIND_WORDS.get(kind, kind)


def join_words(items: Sequence[str]) -> str:
    """``a, b and c``, each item translated where it is a Message."""
    items = list(items)
    if len(items) <= 1:
        return items[0] if items else ""
    return Message("{items} and {last}", items=_commas(items[:-1]), last=items[-1])


def _commas(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return Message.wordless("{first}, {rest}", first=items[0], rest=_commas(items[1:]))


def sentences(*items: str) -> str:
    """Sentences one after the other, each translated on its own."""
    parts = [item for item in items if item]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return Message.wordless("{first} {rest}", first=parts[0], rest=sentences(*parts[1:]))
