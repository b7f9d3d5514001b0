"""Enterprises and their contacts."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleanprod.web.accounts.models import Organisation, validate_country
from cleanprod.web.enterprises.choices import Sector, Size, SupplyChainRole
from cleanprod.web.permissions import RestrictedQuerySet


class Enterprise(models.Model):
    """An enterprise in the registry of the centre (``organisation``) that registered it."""

    #: The registry's fields are shared with every member; contacts and assessments are not.
    permission_path = ""
    confidential = False

    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(
        _("name in the local language"), max_length=200, blank=True, default=""
    )
    registration_number = models.CharField(
        _("registration or tax number"), max_length=60, blank=True, default=""
    )
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    province = models.CharField(_("province"), max_length=100, blank=True, default="")
    district = models.CharField(_("district"), max_length=100, blank=True, default="")
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True, default="")
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    supply_chain_role = models.CharField(
        _("role in the supply chain"),
        max_length=20,
        choices=SupplyChainRole.choices,
        blank=True,
        default="",
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("registered by"),
    )
    consultants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_enterprises",
        verbose_name=_("assigned consultants"),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["country", "sector"]),
            models.Index(fields=["organisation", "name"]),
            models.Index(fields=["supply_chain_role"]),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person to reach at an enterprise (confidential, like the enterprise's data)."""

    permission_path = "enterprise"
    confidential = True

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("enterprise")
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=100, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name
