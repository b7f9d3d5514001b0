"""The language of each page, and the messages of Django itself that the pages show.

Which language a request gets, the first that applies:

1. the language the visitor chose with the switch in the page header (Django's
   ``set_language`` view, ``/i18n/setlang/``, keeps it in the ``django_language`` cookie until
   the browser is closed) — signed in or not, so that a click always changes the page;
2. for a signed-in user, the language of their profile (``Profile.language``), which an
   administrator sets on the people page: it follows the user from one browser to another;
3. the languages the browser asks for (``Accept-Language``), when the platform speaks one;
4. English (``LANGUAGE_CODE``).

Django's ``LocaleMiddleware`` applies 1, 3 and 4. :class:`UserLanguageMiddleware`, placed
right after it in ``MIDDLEWARE``, puts 2 in between: it runs once the user is known (its
``process_view`` comes after every middleware's request phase, ``AuthenticationMiddleware``'s
included) and, when no language was chosen with the switch, activates the profile's. A page
that fails before its view (an unknown address) keeps the language of 1, 3 or 4.

The platform's catalogues are in ``src/cleanprod/web/locale``; ``make web-messages`` brings
them up to date with the code and ``python -m cleanprod.web compile_catalogues`` compiles them
(``make run`` and ``make test`` do). Without the compiled Lao catalogue Django does not know
Lao at all and serves English.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_noop, ngettext_lazy, npgettext_lazy

from cleanprod.web.permissions import profile_of


def supported(code: str | None) -> str | None:
    """``code`` as one of the platform's languages (``vi-VN`` → ``vi``), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def chosen_language(request: HttpRequest) -> str | None:
    """The language the visitor chose with the switch of the page header, or None."""
    return supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def profile_language(user: Any) -> str | None:
    """The language of a signed-in user's profile, or None (signed out, no profile)."""
    profile = profile_of(user)
    return supported(profile.language) if profile is not None else None


class UserLanguageMiddleware:
    """Activates the signed-in user's language unless the visitor chose one with the switch
    (see the module's docstring). Goes right after ``LocaleMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        if chosen_language(request):
            return None  # LocaleMiddleware has activated it.
        language = profile_language(getattr(request, "user", None))
        if language and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return None


#: Messages of Django itself that the platform's pages show: form errors, sign-in and
#: password errors, the action names of the audit trail (django-auditlog), humanize's "3
#: minutes ago" and the month names of dates. Django has no Lao catalogue and its Khmer one
#: is thin, so they are listed here for ``make web-messages`` to extract into the platform's
#: catalogues, which Django reads before its own. Each is Django's message word for word (a
#: test checks them against Django's catalogues); nothing reads this tuple.
DJANGO_MESSAGES = (
    # django.forms and django.core.validators
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a list of values."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "max",
    ),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("%(model_name)s with this %(field_label)s already exists."),
    gettext_noop("%(model_name)s with this %(field_labels)s already exists."),
    gettext_noop("Currently"),
    # django.contrib.auth: the sign-in form and the password validators of the settings
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ),
    gettext_noop("This account is inactive."),
    gettext_noop("username"),
    gettext_noop("first name"),
    gettext_noop("last name"),
    gettext_noop("email address"),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    # django-auditlog: what was done to a record (the history of a person)
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
    # django.contrib.humanize: naturaltime ("3 minutes ago", "2 days, 4 hours ago"); the
    # plural forms hold a no-break space (U+00A0) before the unit, as Django's do
    gettext_noop("now"),
    gettext_noop("%(delta)s ago"),
    gettext_noop("%(delta)s from now"),
    ngettext_lazy("a second ago", "%(count)s seconds ago", "count"),
    ngettext_lazy("a minute ago", "%(count)s minutes ago", "count"),
    ngettext_lazy("an hour ago", "%(count)s hours ago", "count"),
    ngettext_lazy("a second from now", "%(count)s seconds from now", "count"),
    ngettext_lazy("a minute from now", "%(count)s minutes from now", "count"),
    ngettext_lazy("an hour from now", "%(count)s hours from now", "count"),
    npgettext_lazy("naturaltime-past", "%(num)d year", "%(num)d years", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d month", "%(num)d months", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d week", "%(num)d weeks", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d day", "%(num)d days", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d hour", "%(num)d hours", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d minute", "%(num)d minutes", "num"),
    npgettext_lazy("naturaltime-future", "%(num)d year", "%(num)d years", "num"),
    npgettext_lazy("naturaltime-future", "%(num)d month", "%(num)d months", "num"),
    npgettext_lazy("naturaltime-future", "%(num)d week", "%(num)d weeks", "num"),
    npgettext_lazy("naturaltime-future", "%(num)d day", "%(num)d days", "num"),
    npgettext_lazy("naturaltime-future", "%(num)d hour", "%(num)d hours", "num"),
    npgettext_lazy("naturaltime-future", "%(num)d minute", "%(num)d minutes", "num"),
    # django.utils.timesince (timesince, timeuntil) and the date filter's "F"
    gettext_noop(", "),
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
