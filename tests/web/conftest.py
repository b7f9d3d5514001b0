"""Fixtures of the platform's tests: two centres, a partner, one user of every role, an
enterprise with an assessment built from an example.

The people (``people`` fixture, also one fixture per role):

- ``centre_admin`` and ``consultant``: staff of the Lao centre, which registered
  ``enterprise``;
- ``assigned_consultant``: a consultant of a partner organisation, assigned to ``enterprise``;
- ``other_consultant``: staff of the Viet Nam centre, not assigned;
- ``enterprise_user``: a user of ``enterprise``; ``other_enterprise_user``: of another one;
- ``programme_viewer``: a donor's viewer; ``superuser``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cleanprod.io import read_document
from cleanprod.model import Assessment as Document

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLES = REPOSITORY / "examples"
PASSWORD = "a long test password 7"


@cache
def example_document(name: str) -> Document:
    """The document of ``examples/<name>.yaml`` (read once per run)."""
    return read_document(EXAMPLES / f"{name}.yaml")


@pytest.fixture
def example() -> Callable[[str], Document]:
    """``example("lao-soft-drink")``: the document of an example (read once per run)."""
    return example_document


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Test users' passwords are hashed with a fast hasher (the real one takes ~0.3 s)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cache_of_this_test(settings: Any) -> Any:
    """Each test has an empty cache in memory: the platform's cache of results is keyed by
    assessment and revision, which repeat from one test database to the next."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _results_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The results of one document are computed once per run (they take ~0.4 s each); the
    saving code under test is the same."""
    from cleanprod.web.assessments import saving

    real = saving.compute

    def compute(document: Document) -> Any:
        key = json.dumps(document.model_dump(mode="json"), sort_keys=True)
        if key not in _COMPUTED:
            _COMPUTED[key] = real(document)
        return _COMPUTED[key]

    monkeypatch.setattr(saving, "compute", compute)


_COMPUTED: dict[str, Any] = {}


@pytest.fixture
def organisations(db: Any) -> dict[str, Any]:
    from cleanprod.web.accounts.models import Organisation

    return {
        "lao": Organisation.objects.create(
            name="Lao National Cleaner Production Centre",
            short_name="LNCPC",
            kind="cp-centre",
            country="LA",
        ),
        "viet": Organisation.objects.create(
            name="Viet Nam Cleaner Production Centre",
            short_name="VNCPC",
            kind="cp-centre",
            country="VN",
        ),
        "partner": Organisation.objects.create(
            name="Lao National Chamber of Commerce and Industry",
            short_name="LNCCI",
            kind="business-association",
            country="LA",
        ),
        "donor": Organisation.objects.create(
            name="WWF Greater Mekong", short_name="WWF", kind="ngo", country="VN"
        ),
    }


@pytest.fixture
def enterprise(organisations: dict[str, Any]) -> Any:
    from cleanprod.web.enterprises.models import Enterprise

    return Enterprise.objects.create(
        name="Vientiane Soft Drinks Co., Ltd",
        country="LA",
        province="Vientiane Capital",
        sector="beverages",
        size="medium",
        employees=120,
        organisation=organisations["lao"],
    )


@pytest.fixture
def other_enterprise(organisations: dict[str, Any]) -> Any:
    from cleanprod.web.enterprises.models import Enterprise

    return Enterprise.objects.create(
        name="Chuong My Rattan Workshop",
        country="VN",
        province="Ha Noi",
        sector="rattan-bamboo",
        size="small",
        supply_chain_role="processor",
        organisation=organisations["viet"],
    )


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """A user with a profile: ``make_user("name", organisation, role, enterprise=None)``."""
    from django.contrib.auth import get_user_model

    from cleanprod.web.accounts.models import Profile

    def make(username: str, organisation: Any, role: str, enterprise: Any = None) -> Any:
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        Profile.objects.create(
            user=user, organisation=organisation, role=role, enterprise=enterprise
        )
        return user

    return make


@pytest.fixture
def people(
    organisations: dict[str, Any],
    enterprise: Any,
    other_enterprise: Any,
    make_user: Callable[..., Any],
) -> dict[str, Any]:
    """One user of every role, named by the part they play (see the module's docstring)."""
    from django.contrib.auth import get_user_model

    lao, viet, partner, donor = (organisations[key] for key in ("lao", "viet", "partner", "donor"))
    users = {
        "centre_admin": make_user("lao-admin", lao, "centre-admin"),
        "consultant": make_user("lao-consultant", lao, "consultant"),
        "assigned_consultant": make_user("partner-consultant", partner, "consultant"),
        "other_consultant": make_user("viet-consultant", viet, "consultant"),
        "enterprise_user": make_user("drinks-owner", lao, "enterprise-user", enterprise),
        "other_enterprise_user": make_user(
            "rattan-owner", viet, "enterprise-user", other_enterprise
        ),
        "programme_viewer": make_user("donor-viewer", donor, "programme-viewer"),
        "superuser": get_user_model().objects.create_superuser("root", password=PASSWORD),
    }
    enterprise.consultants.add(users["assigned_consultant"])
    return users


@pytest.fixture
def assessment(enterprise: Any, people: dict[str, Any]) -> Any:
    """An assessment of ``enterprise`` from ``examples/lao-soft-drink.yaml``, saved once."""
    from cleanprod.web.assessments.models import Assessment
    from cleanprod.web.assessments.saving import save_document

    document = example_document("lao-soft-drink")
    record = Assessment.objects.create(
        enterprise=enterprise,
        title=document.title,
        year=2007,
        lead_consultant=people["consultant"],
    )
    save_document(record, document, people["consultant"], started_from=0, comment="baseline")
    record.refresh_from_db()
    return record


@pytest.fixture
def password() -> str:
    """The password of every user the fixtures make."""
    return PASSWORD


@pytest.fixture
def client_of(client: Any) -> Callable[[Any], Any]:
    """Django's test client signed in as the given user."""

    def signed_in(user: Any) -> Any:
        client.force_login(user)
        return client

    return signed_in
