"""Enterprises and their contacts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
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
    #: Name, local name, registration number and province, folded for a search that ignores
    #: case and Vietnamese accents ("ha noi" finds "Hà Nội"); kept by :meth:`save` (which
    #: ``bulk_create`` and ``update`` bypass: write enterprises one by one, as the audit
    #: trail needs anyway).
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()

    #: The fields :attr:`search_text` is made of.
    SEARCHED_FIELDS = ("name", "local_name", "registration_number", "province")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["country", "sector"]),
            models.Index(fields=["organisation", "name"]),
            models.Index(fields=["supply_chain_role"]),
            models.Index(fields=["country", "province"]),
            models.Index(fields=["updated"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A position has both its latitude and its longitude, or neither."""
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError(
                {missing: _("Give both the latitude and the longitude, or neither.")}
            )

    def save(self, *args, **kwargs) -> None:
        from cleanprod.web.enterprises.duplicates import fold

        self.search_text = fold(
            " ".join(getattr(self, name) or "" for name in self.SEARCHED_FIELDS)
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


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
