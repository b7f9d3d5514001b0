"""Every role against every page: the one permission filter decides, and nothing leaks.

The table below names the rule of each page; a page added to the platform without a rule
here fails :func:`test_every_page_has_a_rule`, so no page escapes this matrix. The API's
endpoints have their own matrix (test_api_permissions.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = (
    "centre_admin",
    "consultant",
    "assigned_consultant",
    "other_consultant",
    "enterprise_user",
    "other_enterprise_user",
    "programme_viewer",
    "superuser",
)
STAFF = {"centre_admin", "consultant", "assigned_consultant", "other_consultant", "superuser"}
#: Who sees the confidential data of ``enterprise``; who may change it; who may delete it.
SEES = {"centre_admin", "consultant", "assigned_consultant", "enterprise_user", "superuser"}
CHANGES = {"centre_admin", "consultant", "assigned_consultant", "superuser"}
DELETES = {"centre_admin", "superuser"}
#: The staff of the Lao centre, which runs the training of the fixtures (trainings pages).
TRAINERS = {"centre_admin", "consultant", "superuser"}


def _status(allowed: set[str], seen_by: set[str] | None = None) -> dict[str, int]:
    """200 for ``allowed``; 403 for those who may see the record but not this; 404 for the
    rest (a record one may not see is not said to exist)."""
    seen_by = set(ROLES) if seen_by is None else seen_by
    return {role: 200 if role in allowed else 403 if role in seen_by else 404 for role in ROLES}


EVERYONE = _status(set(ROLES))
#: The rule of each page: the status each role gets on GET.
RULES: dict[str, dict[str, int]] = {
    "home": EVERYONE,
    "history": EVERYONE,
    "enterprises:list": EVERYONE,
    "enterprises:export": EVERYONE,
    "enterprises:create": _status(STAFF),
    "enterprises:import": _status(STAFF),
    # Blank spreadsheets with the registry's columns: nothing of anybody's.
    "enterprises:import-template": EVERYONE,
    "enterprises:import-template-csv": EVERYONE,
    "enterprises:detail": _status(
        set(ROLES) - {"other_enterprise_user"}, set(ROLES) - {"other_enterprise_user"}
    ),
    "enterprises:edit": _status(CHANGES, set(ROLES) - {"other_enterprise_user"}),
    "enterprises:delete": _status(DELETES, set(ROLES) - {"other_enterprise_user"}),
    "people:list": _status({"centre_admin", "superuser"}),
    "people:add": _status({"centre_admin", "superuser"}),
    "people:detail": _status({"centre_admin", "superuser"}),
    "people:active": _status({"centre_admin", "superuser"}),
    "assessments:list": EVERYONE,
    "assessments:options": EVERYONE,
    "assessments:new": _status(STAFF),
    "assessments:upload": _status(STAFF),
    "assessments:detail": _status(SEES, SEES),
    "assessments:results": _status(SEES, SEES),
    "assessments:versions": _status(SEES, SEES),
    "assessments:compare": _status(SEES, SEES),
    "assessments:download": _status(SEES, SEES),
    "assessments:report": _status(SEES, SEES),
    "assessments:edit": _status(CHANGES, SEES),
    "assessments:upload-version": _status(CHANGES, SEES),
    "assessments:follow": _status(CHANGES, SEES),
    "assessments:follow-option": _status(CHANGES, SEES),
    "assessments:restore": _status(CHANGES, SEES),
    # Trainings: courses, sessions and their counts for every member; names and changes for
    # the staff of the organisation running them (the Lao centre); planning for any staff.
    "trainings:courses": EVERYONE,
    "trainings:course-default": _status(STAFF),
    "trainings:course": EVERYONE,
    "trainings:module-evaluations": EVERYONE,
    "trainings:sessions": EVERYONE,
    "trainings:session-create": _status(STAFF),
    "trainings:session": EVERYONE,
    "trainings:session-edit": _status(TRAINERS),
    "trainings:session-enrol": _status(TRAINERS),
    "trainings:session-import": _status(TRAINERS),
    "trainings:session-report": EVERYONE,
    "trainings:session-evaluations": EVERYONE,
    "trainings:evaluation-create": _status(TRAINERS),
    "trainings:assignment-create": _status(TRAINERS),
    "trainings:assignment-edit": _status(TRAINERS),
    "trainings:participants": EVERYONE,
    "trainings:participant-create": _status(STAFF),
    "trainings:participant": _status(TRAINERS, TRAINERS),
    "trainings:import-template": EVERYONE,
    "trainings:import-template-csv": EVERYONE,
    # The case-study library: a case is seen with its assessment and published by those who
    # may change it; its public pages are everyone's, signed in or not.
    "library:list": EVERYONE,
    "library:new": _status(STAFF),
    "library:detail": _status(SEES, SEES),
    "library:edit": _status(CHANGES, SEES),
    "library:text": _status(CHANGES, SEES),
    "library:publish": _status(CHANGES, SEES),
    "library:withdraw": _status(CHANGES, SEES),
    "library:refresh": _status(CHANGES, SEES),
    "library:delete": _status(DELETES, SEES),
    "cases:list": EVERYONE,
    "cases:detail": EVERYONE,
}
#: Actions that take only POST: the rule says who is refused (403, 404); the others may act.
POST_ONLY = {
    "people:active",
    "assessments:follow-option",
    "assessments:restore",
    "trainings:course-default",
    "trainings:session-enrol",
    "library:publish",
    "library:withdraw",
    "library:refresh",
}
#: Public pages, read without signing in: the published case studies.
PUBLIC = {"cases:list", "cases:detail"}
#: Addresses that are not pages of the platform's records.
NOT_RECORD_PAGES = {"login", "logout", "set_language"}


def platform_pages() -> dict[str, str]:
    """Every named page outside the admin and the API: name → route."""
    pages: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if route.startswith(("admin/", "api/")):
                    continue
                pages[f"{namespace}:{pattern.name}" if namespace else pattern.name] = route

    walk(get_resolver().url_patterns, "", None)
    return {name: route for name, route in pages.items() if name not in NOT_RECORD_PAGES}


def test_every_page_has_a_rule():
    assert set(platform_pages()) == set(RULES)


@pytest.fixture
def person(make_user: Any, organisations: dict[str, Any]) -> Any:
    """A consultant of the Lao centre whose account the people pages are asked about."""
    return make_user("lao-junior-consultant", organisations["lao"], "consultant")


def address(name: str, person: Any, enterprise: Any, assessment: Any) -> str:
    """The page's address for the fixtures' records (the Lao centre's enterprise)."""
    kwargs: dict[str, Any] = {}
    route = platform_pages()[name]
    if name.startswith("trainings:"):
        if "<int:pk>" in route:
            kwargs["pk"] = _training_record(route, enterprise, assessment).pk
        return reverse(name, kwargs=kwargs)
    if name.startswith(("library:", "cases:")):
        from test_library import published_case_study

        case = published_case_study(assessment)
        names = {"<int:pk>": ("pk", case.pk), "<slug:slug>": ("slug", case.slug)}
        names["<str:language>"] = ("language", case.language)
        kwargs = dict(value for part, value in names.items() if part in route)
        return reverse(name, kwargs=kwargs)
    if "<int:pk>" in route:
        kwargs["pk"] = {
            "enterprises": enterprise.pk,
            "assessments": assessment.pk,
            "people": person.pk,
        }[name.split(":")[0]]
    if "<int:number>" in route:
        kwargs["number"] = 1
    if "<str:option_id>" in route:
        kwargs["option_id"] = assessment.options.order_by("option_id").first().option_id
    if "<str:form>" in route:
        kwargs["form"] = "json" if name == "assessments:download" else "html"
    if "<str:language>" in route:
        kwargs["language"] = "en"
    return reverse(name, kwargs=kwargs)


def _training_record(route: str, enterprise: Any, assessment: Any) -> Any:
    """The record of a trainings page: of the training run by the Lao centre (which registered
    ``enterprise``), with an in-plant assignment on ``assessment``."""
    from test_training_models import make_training

    training = make_training(enterprise.organisation, enterprise, assessment)
    kind = route.split("/")[1]
    return {
        "courses": training.course,
        "modules": training.module,
        "sessions": training.session,
        "assignments": training.assignment,
        "participants": training.participant,
    }[kind]


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role_gets_what_the_rule_says(name, people, person, enterprise, assessment, client):
    url = address(name, person, enterprise, assessment)
    got = {}
    for role in ROLES:
        client.force_login(people[role])
        if name in POST_ONLY:
            assert client.get(url).status_code == 405
            status = client.post(url, {}).status_code
            got[role] = status if status in (403, 404) else 200
        else:
            got[role] = client.get(url).status_code
        client.logout()
    assert got == RULES[name]


@pytest.mark.parametrize("name", sorted(set(RULES) - PUBLIC))
def test_signed_out_visitor_is_sent_to_sign_in_everywhere(
    name, person, enterprise, assessment, client
):
    url = address(name, person, enterprise, assessment)
    response = client.post(url, {}) if name in POST_ONLY else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["home", "enterprises:list", "assessments:list", "assessments:options", "history"]
)
@pytest.mark.parametrize("role", sorted(set(ROLES) - SEES))
def test_lists_do_not_leak_confidential_records(name, role, people, assessment, client):
    """Those who may not see the assessment find neither its title nor its options."""
    client.force_login(people[role])
    page = client.get(reverse(name)).content.decode()
    assert assessment.title not in page
    for option in assessment.options.all():
        assert option.title not in page
