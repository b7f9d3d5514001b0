from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cleanprod.web.accounts"
    label = "accounts"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model

        from cleanprod.web.accounts.models import Organisation, Profile

        auditlog.register(Organisation)
        auditlog.register(Profile)
        # People's accounts: who they are and whether they may sign in (never the password).
        auditlog.register(
            get_user_model(),
            include_fields=["username", "first_name", "last_name", "email", "is_active"],
        )
