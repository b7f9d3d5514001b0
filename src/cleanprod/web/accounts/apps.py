from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cleanprod.web.accounts"
    label = "accounts"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cleanprod.web.accounts.models import Organisation, Profile

        auditlog.register(Organisation)
        auditlog.register(Profile)
