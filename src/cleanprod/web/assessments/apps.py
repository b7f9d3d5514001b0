from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "cleanprod.web.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cleanprod.web.assessments.models import Assessment

        # The document itself is kept whole in each version; the log tells who saved which.
        auditlog.register(Assessment, exclude_fields=["document", "summary", "updated"])
