"""``python -m cleanprod.web compile_catalogues``: the platform's .mo files from its .po files.

Django reads compiled catalogues (``<locale path>/<language>/LC_MESSAGES/django.mo``); the .po
files next to them are the sources, kept in git, and the .mo files are build products (not in
git), written by this command with Babel, so that the platform needs GNU gettext only to
extract messages (``make web-messages``), not to run. ``make run`` and ``make test`` run it
when a .po file has changed.

A message that is empty, fuzzy (its source changed since it was translated) or whose
placeholders do not match its source (``%(name)s``, ``%d``, ``{name}``: the page would fail)
is left out of the .mo, so the page shows it in English, and counted in a warning. With
``--strict`` the command refuses instead (exit status 1, naming each), writing nothing.
"""

from __future__ import annotations

import os
import re
import string
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

#: A printf directive of Python's ``%`` operator: ``%s``, ``%(name)s``, ``%5.1f``, ``%%``.
PERCENT_DIRECTIVE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<kind>[diouxXeEfFgGcrsa%])"
)


@dataclass(frozen=True)
class Problem:
    """Why one message of a catalogue cannot be used."""

    path: Path
    message: Message
    reason: str

    @property
    def msgid(self) -> str:
        msgid = self.message.id
        return msgid[0] if isinstance(msgid, (list, tuple)) else msgid

    def __str__(self) -> str:
        context = f" (context {self.message.context!r})" if self.message.context else ""
        return f"{self.path}: {self.msgid!r}{context}: {self.reason}"


def catalogue_paths(languages: list[str] | None = None) -> list[Path]:
    """Every .po file of the platform's locale paths (of ``languages`` only, if given)."""
    paths = []
    for locale_path in settings.LOCALE_PATHS:
        for path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
            if not languages or path.parent.parent.name in languages:
                paths.append(path)
    return paths


def stale_catalogues(languages: list[str] | None = None) -> list[Path]:
    """The .po files whose .mo file is missing or older than they are."""
    stale = []
    for path in catalogue_paths(languages):
        compiled = path.with_suffix(".mo")
        if not compiled.exists() or compiled.stat().st_mtime < path.stat().st_mtime:
            stale.append(path)
    return stale


def read_catalogue(path: Path) -> Catalog:
    """The catalogue of a .po file; a file gettext cannot read raises CommandError."""
    language = path.parent.parent.name
    try:
        with path.open("rb") as file:
            return read_po(file, locale=language, domain=path.stem, abort_invalid=True)
    except Exception as error:  # babel's PoFileError, a bad locale, an unreadable file
        raise CommandError(
            f"{path} cannot be read as a gettext catalogue: {error}. Correct it (msgfmt "
            f"--check-format -o /dev/null {path} shows where) or take it again from git."
        ) from error


def _texts(value: Any) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def percent_placeholders(text: str) -> tuple[set[str], list[str]] | None:
    """The named and the positional ``%`` directives of ``text`` (``%%`` left out), or None
    when it holds a ``%`` that is none (``50 % more``: Python's ``%`` operator fails)."""
    names: set[str] = set()
    positional: list[str] = []
    position = 0
    while (found := text.find("%", position)) != -1:
        directive = PERCENT_DIRECTIVE.match(text, found)
        if directive is None:
            return None
        if directive["kind"] != "%":
            if directive["name"] is not None:
                names.add(directive["name"])
            else:
                positional.append(directive["kind"])
        position = directive.end()
    return names, positional


def brace_placeholders(text: str) -> set[str] | None:
    """The fields of ``str.format`` in ``text`` (``{name}``, ``{0:,.0f}``), or None when it
    is not a valid format string."""
    try:
        return {
            re.split(r"[.\[]", field)[0]
            for _, field, _, _ in string.Formatter().parse(text)
            if field is not None
        }
    except ValueError:
        return None


def placeholder_problem(message: Message) -> str | None:
    """What is wrong with the placeholders of a translated message, or None. A translation
    may leave out a placeholder of its source (a language with one plural form writes "1"
    as a number), never add one, and keeps the positional ones in their order."""
    sources, translations = _texts(message.id), [t for t in _texts(message.string) if t]
    if "python-format" in message.flags:
        expected = [percent_placeholders(text) for text in sources]
        names = set().union(*(found[0] for found in expected if found))
        positional = next((found[1] for found in expected if found and found[1]), [])
        for text in translations:
            found = percent_placeholders(text)
            if found is None:
                return "a lone % in the translation (write %% for a per cent sign)"
            unknown = found[0] - names
            if unknown:
                return f"placeholders not in the source: {', '.join(sorted(unknown))}"
            if found[1] != positional:
                return f"positional placeholders {found[1]} where the source has {positional}"
            if positional and found[0]:
                return "named and positional placeholders mixed"
    if "python-brace-format" in message.flags:
        names = set().union(*(brace_placeholders(text) or set() for text in sources))
        for text in translations:
            found = brace_placeholders(text)
            if found is None:
                return "braces that str.format cannot read (write {{ and }} for a brace)"
            if found - names:
                return f"fields not in the source: {', '.join(sorted(found - names))}"
    return None


def catalogue_problems(path: Path, catalog: Catalog) -> list[Problem]:
    """Every message of the catalogue that cannot be compiled as it is, with the reason."""
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        texts = _texts(message.string)
        if not all(texts):
            reason = "not translated"
        elif message.fuzzy:
            reason = "fuzzy: its source changed; check the translation and remove the flag"
        elif message.pluralizable and len(texts) != catalog.num_plurals:
            reason = (
                f"{len(texts)} plural forms where the catalogue's Plural-Forms header says "
                f"{catalog.num_plurals}"
            )
        else:
            reason = placeholder_problem(message)
        if reason:
            problems.append(Problem(path, message, reason))
    return problems


def compile_catalogue(path: Path, catalog: Catalog, problems: list[Problem]) -> Path:
    """Write ``path``'s .mo file without the messages of ``problems``; returns its path."""
    for problem in problems:
        catalog.delete(problem.message.id, context=problem.message.context)
    target = path.with_suffix(".mo")
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".mo", delete=False) as file:
        write_mo(file, catalog)
    os.replace(file.name, target)  # readers see the old file or the new one, never half
    target.chmod(0o644)
    return target


class Command(BaseCommand):
    help = (
        "Compile the platform's gettext catalogues (src/cleanprod/web/locale/*/LC_MESSAGES/"
        "*.po) into the .mo files Django reads. Empty, fuzzy or broken messages are left out "
        "(English shows instead); with --strict the command refuses them, naming each."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--strict",
            action="store_true",
            help="refuse (exit status 1, writing nothing) when a message is empty, fuzzy or "
            "has placeholders that differ from its source, naming each",
        )
        parser.add_argument(
            "-l",
            "--locale",
            action="append",
            default=[],
            metavar="LANGUAGE",
            help="compile this language only (vi, lo, km); may be repeated",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = catalogue_paths(options["locale"])
        if not paths:
            raise CommandError(
                "No catalogue to compile: no */LC_MESSAGES/*.po under "
                f"{', '.join(str(path) for path in settings.LOCALE_PATHS)}"
                + (f" for {', '.join(options['locale'])}" if options["locale"] else "")
                + ". Make them with `make web-messages`."
            )
        catalogues = [(path, read_catalogue(path)) for path in paths]
        found = {path: catalogue_problems(path, catalog) for path, catalog in catalogues}
        every_problem = [problem for problems in found.values() for problem in problems]
        if options["strict"] and every_problem:
            raise CommandError(
                f"{len(every_problem)} message(s) cannot be compiled; nothing was written. "
                "Translate them (each must keep the placeholders of its source) and run "
                "again:\n" + "\n".join(f"  {problem}" for problem in every_problem)
            )
        for path, catalog in catalogues:
            problems = found[path]
            target = compile_catalogue(path, catalog, problems)
            self.stdout.write(f"{target}: {len(catalog)} messages")
            if problems:
                listed = "\n".join(f"  {problem}" for problem in problems)
                self.stderr.write(
                    f"{path}: {len(problems)} message(s) left out, English shows instead"
                    + (f":\n{listed}" if options["verbosity"] > 1 else " (-v 2 lists them).")
                )
