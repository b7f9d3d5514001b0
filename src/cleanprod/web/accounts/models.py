"""Organisations (CP centres and their partners) and the people who use the platform."""

from __future__ import annotations

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleanprod.web.accounts.choices import STAFF_ROLES, OrganisationKind, Role


def validate_country(code: str) -> None:
    """An ISO 3166-1 alpha-2 code (VN, LA, KH ...)."""
    if pycountry.countries.get(alpha_2=(code or "").upper()) is None:
        raise ValidationError(
            _("'%(code)s' is not an ISO 3166-1 alpha-2 country code (e.g. VN, LA, KH)"),
            params={"code": code},
        )


class Organisation(models.Model):
    """A CP centre or a partner: a service provider, chamber, certification body, NGO, donor."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.short_name or self.name


class Profile(models.Model):
    """A user's place on the platform: their organisation, their role, and for an enterprise
    user the enterprise they belong to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("enterprise"),
        help_text=_("For an enterprise user: the enterprise whose data they see."),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()}, {self.organisation})"

    def clean(self) -> None:
        if self.role == Role.ENTERPRISE_USER and self.enterprise_id is None:
            raise ValidationError({"enterprise": _("An enterprise user belongs to an enterprise.")})
        if self.role != Role.ENTERPRISE_USER and self.enterprise_id is not None:
            raise ValidationError(
                {"enterprise": _("Only an enterprise user is tied to an enterprise.")}
            )

    @property
    def is_staff_role(self) -> bool:
        """A centre administrator or a consultant."""
        return self.role in STAFF_ROLES
