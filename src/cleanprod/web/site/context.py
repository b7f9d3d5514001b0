"""What every page's template knows: the user's role and what they may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cleanprod.web.permissions import can_register_enterprises, profile_of


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    profile = profile_of(user) if user is not None else None
    from cleanprod.web.accounts.views import managed_organisations

    return {
        "profile": profile,
        "can_register": can_register_enterprises(user) if user is not None else False,
        "can_manage_people": user is not None and managed_organisations(user) is not None,
    }
