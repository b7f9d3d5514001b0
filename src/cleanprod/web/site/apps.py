from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "cleanprod.web.site"
    label = "site"
    verbose_name = "Platform"
