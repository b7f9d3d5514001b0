"""The enumerations and the words of the case-study library, each in one place."""

from __future__ import annotations

import gettext as gettext_module
from functools import cache

import pycountry
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cleanprod.model.choices import PRACTICES


class Status(models.TextChoices):
    """Where a case study stands: a draft is seen by the staff only, a published case by
    everyone, without signing in."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


#: The languages a case is written or translated in (the platform's four).
LANGUAGE_CHOICES = [
    ("en", "English"),
    ("vi", "Tiếng Việt"),
    ("lo", "ລາວ"),
    ("km", "ខ្មែរ"),
]
LANGUAGE_CODES = tuple(code for code, _name in LANGUAGE_CHOICES)
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)

#: The fields of a case's text, written in one language and translated into the others.
TEXT_FIELDS = ("title", "summary", "problem", "action", "outcome", "lessons")

#: UNEP's eight Cleaner Production practices, named and explained for a reader who has never
#: heard of Cleaner Production (UNEP/UNIDO, *Cleaner Production Assessment in Industries*).
PRACTICE_NAMES = {
    "good housekeeping": _("Good housekeeping"),
    "input material change": _("Input material change"),
    "better process control": _("Better process control"),
    "equipment modification": _("Equipment modification"),
    "technology change": _("Technology change"),
    "on-site recovery and reuse": _("On-site recovery and reuse"),
    "useful by-product": _("Useful by-product"),
    "product modification": _("Product modification"),
}
PRACTICE_EXPLANATIONS = {
    "good housekeeping": _(
        "Good housekeeping means keeping the plant in order: repairing leaks, closing valves "
        "and switching machines off when they are not needed, and handling materials with "
        "care. It costs little and pays back quickly."
    ),
    "input material change": _(
        "Input material change means buying better or cleaner materials, such as raw "
        "materials of an even quality or less harmful chemicals, so that less is wasted and "
        "less pollution is made."
    ),
    "better process control": _(
        "Better process control means running the process at the right settings, such as "
        "temperatures, times and doses, and measuring them, so that each batch uses only what "
        "it needs."
    ),
    "equipment modification": _(
        "Equipment modification means changing the machines already in the plant, for "
        "example by adding a lid, insulation or a control, so that they waste less."
    ),
    "technology change": _(
        "Technology change means replacing a process or a machine with a cleaner and more "
        "efficient one."
    ),
    "on-site recovery and reuse": _(
        "On-site recovery and reuse means collecting what used to be thrown away, such as "
        "rinse water, heat or offcuts, and using it again in the plant."
    ),
    "useful by-product": _(
        "A useful by-product is a waste turned into something that can be sold or used by others."
    ),
    "product modification": _(
        "Product modification means changing the product itself so that it needs fewer "
        "materials or less energy to make, or causes less pollution when it is used."
    ),
}
PRACTICE_CHOICES = [(practice, PRACTICE_NAMES[practice]) for practice in PRACTICES]

#: What an enterprise of each sector of the registry is called in an anonymised case ("a
#: small rattan and bamboo processor in Ha Noi, Viet Nam"). None starts with a vowel, so
#: that the English sentences read "a ...".
SECTOR_KINDS = {
    "food": _("food processor"),
    "beverages": _("beverage maker"),
    "textiles": _("textile and dyeing workshop"),
    "garments": _("garment maker"),
    "leather": _("tannery"),
    "wood": _("wood processor"),
    "rattan-bamboo": _("rattan and bamboo processor"),
    "furniture": _("furniture maker"),
    "paper": _("paper mill"),
    "chemicals": _("chemical plant"),
    "rubber-plastics": _("rubber and plastics plant"),
    "ceramics": _("ceramics, brick or cement plant"),
    "metals": _("metal works"),
    "metal-products": _("metal products maker"),
    "agriculture": _("farm or forestry business"),
    "hospitality": _("hotel or service business"),
    "other": _("business"),
}
#: The size of an enterprise as an adjective of that sentence.
SIZE_WORDS = {
    "micro": _("micro"),
    "small": _("small"),
    "medium": _("medium-sized"),
    "large": _("large"),
}
#: The countries of the centres, by their usual short names.
COUNTRY_NAMES = {
    "VN": _("Viet Nam"),
    "LA": _("Lao PDR"),
    "KH": _("Cambodia"),
}


@cache
def _country_catalogue(language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_label(code: str) -> str:
    """The name of a country in the active language: the centres' own three by their usual
    short names, the others by ISO 3166's (translated by pycountry's catalogue)."""
    code = (code or "").upper()
    if code in COUNTRY_NAMES:
        return str(COUNTRY_NAMES[code])
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _country_catalogue(get_language() or "en").gettext(country.name)
