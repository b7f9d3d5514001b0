"""The enumerations of organisations and people, each in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CP_CENTRE = "cp-centre", _("Cleaner Production centre")
    SERVICE_PROVIDER = "service-provider", _("CP service provider")
    BUSINESS_ASSOCIATION = "business-association", _("Chamber or business association")
    CERTIFICATION = "certification", _("Certification or accreditation body")
    NGO = "ngo", _("Non-governmental organisation")
    DONOR = "donor", _("Donor or programme")
    GOVERNMENT = "government", _("Government agency")


class Role(models.TextChoices):
    """What a person may do on the platform (see :mod:`cleanprod.web.permissions`)."""

    CENTRE_ADMIN = "centre-admin", _("Centre administrator")
    CONSULTANT = "consultant", _("Consultant")
    ENTERPRISE_USER = "enterprise-user", _("Enterprise user")
    PROGRAMME_VIEWER = "programme-viewer", _("Programme viewer")


#: Roles of the staff of an organisation: they see and change its enterprises' data.
STAFF_ROLES = (Role.CENTRE_ADMIN, Role.CONSULTANT)
