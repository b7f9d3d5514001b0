from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "cleanprod.web.trainings"
    label = "trainings"
    verbose_name = "Trainings"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cleanprod.web.trainings.models import (
            Assignment,
            Attendance,
            Course,
            Evaluation,
            Module,
            Participant,
            Question,
            Score,
            Session,
        )

        auditlog.register(Course)
        auditlog.register(Module)
        auditlog.register(Question)
        auditlog.register(Session, m2m_fields={"trainers"})
        # The search text is derived from the name, position and email, which are logged.
        auditlog.register(Participant, exclude_fields=["search_text"])
        auditlog.register(Attendance)
        auditlog.register(Assignment, m2m_fields={"participants"})
        auditlog.register(Evaluation)
        auditlog.register(Score)
