from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "cleanprod.web.enterprises"
    label = "enterprises"
    verbose_name = "Enterprises"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cleanprod.web.enterprises.models import Contact, Enterprise

        # The search text is derived from the name and the province, which are logged.
        auditlog.register(Enterprise, m2m_fields={"consultants"}, exclude_fields=["search_text"])
        auditlog.register(Contact)
