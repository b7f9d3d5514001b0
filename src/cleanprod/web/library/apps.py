from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "cleanprod.web.library"
    label = "library"
    verbose_name = "Case-study library"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cleanprod.web.library.models import CaseStudy, CaseStudyText

        # The search text is derived from the texts, which are logged.
        auditlog.register(CaseStudy, exclude_fields=["search_text", "updated"])
        auditlog.register(CaseStudyText, exclude_fields=["updated"])
