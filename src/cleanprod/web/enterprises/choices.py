"""The enumerations of the enterprise registry, each in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Size(models.TextChoices):
    """Size class as the national SME definition of the enterprise's country gives it (by
    employees and turnover); the registry keeps the number of employees beside it."""

    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class SupplyChainRole(models.TextChoices):
    """An enterprise's place along a supply chain (the rattan programme's chain: cane is
    harvested and pre-processed in villages, traded, processed into furniture and exported)."""

    HARVESTER = "harvester", _("Harvester or village workshop")
    PRE_PROCESSOR = "pre-processor", _("Pre-processor")
    TRADER = "trader", _("Trader")
    PROCESSOR = "processor", _("Processor")
    EXPORTER = "exporter", _("Exporter")
    NONE = "", _("Not in a programme supply chain")


class Sector(models.TextChoices):
    """Sectors the centres work in (a short list; ISIC Rev. 4 divisions in brackets)."""

    FOOD = "food", _("Food processing (10)")
    BEVERAGES = "beverages", _("Beverages (11)")
    TEXTILES = "textiles", _("Textiles and dyeing (13)")
    GARMENTS = "garments", _("Garments (14)")
    LEATHER = "leather", _("Leather and tanning (15)")
    WOOD = "wood", _("Wood products (16)")
    RATTAN_BAMBOO = "rattan-bamboo", _("Rattan and bamboo (16, 31)")
    FURNITURE = "furniture", _("Furniture (31)")
    PAPER = "paper", _("Pulp and paper (17)")
    CHEMICALS = "chemicals", _("Chemicals (20)")
    RUBBER_PLASTICS = "rubber-plastics", _("Rubber and plastics (22)")
    CERAMICS = "ceramics", _("Ceramics, bricks and cement (23)")
    METALS = "metals", _("Basic metals (24)")
    METAL_PRODUCTS = "metal-products", _("Metal products (25)")
    AGRICULTURE = "agriculture", _("Agriculture and forestry (01, 02)")
    HOSPITALITY = "hospitality", _("Hotels and services (55)")
    OTHER = "other", _("Other")
