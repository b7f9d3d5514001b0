"""Trainings: courses of modules, sessions, participants, attendance, in-plant assignments and
evaluations.

A course and its sessions are the work of the organisation that runs them (not an
enterprise's confidential data): every model reads through
:class:`~cleanprod.web.permissions.OrganisationRestrictedQuerySet`, which says who may see and
change a row from ``organisation_paths`` (the lookups to the running organisation) and
``personal`` (whether a row shows a person's data).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleanprod.web.accounts.models import Organisation, validate_country
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.permissions import OrganisationRestrictedQuerySet
from cleanprod.web.trainings.choices import SCORES, AssignmentStatus, Sex


class Course(models.Model):
    """A course of modules run by a centre (the four CPA modules of the Lao programme ...)."""

    organisation_paths = ("organisation",)
    personal = False

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("run by"),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OrganisationRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """A module of a course, with the topics it teaches."""

    organisation_paths = ("course__organisation",)
    personal = False

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="modules", verbose_name=_("course")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    #: The topics, in the order they are taught: a list of texts.
    topics = models.JSONField(_("topics"), default=list, blank=True)

    objects = OrganisationRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"], name="one_module_number_per_course"
            )
        ]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return _("Module %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def clean(self) -> None:
        if not isinstance(self.topics, list) or not all(
            isinstance(topic, str) for topic in self.topics
        ):
            raise ValidationError({"topics": _("The topics are a list of texts.")})


class Question(models.Model):
    """A question of a course's evaluation form, answered on a scale of 1 (poor) to 5
    (excellent); asked after every module, or after one module only."""

    organisation_paths = ("course__organisation",)
    personal = False

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="questions", verbose_name=_("course")
    )
    module = models.ForeignKey(
        Module,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("module"),
        help_text=_("Leave empty to ask the question after every module of the course."),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("question"), max_length=300)

    objects = OrganisationRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["course", "number", "pk"]
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.module_id is not None and self.module.course_id != self.course_id:
            raise ValidationError({"module": _("The module must be one of the course's.")})


class Session(models.Model):
    """One delivery of a module: when, where, by whom, for which organisation."""

    organisation_paths = ("organisation",)
    personal = False

    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("module")
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    province = models.CharField(_("province"), max_length=100, blank=True, default="")
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("trainers with an account"),
    )
    trainer_names = models.TextField(
        _("other trainers"),
        blank=True,
        default="",
        help_text=_("Trainers without an account on the platform: one name per line."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("run by"),
    )
    notes = models.TextField(_("notes"), blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OrganisationRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["country"])]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return _("%(module)s, %(place)s, from %(start)s") % {
            "module": self.module,
            "place": self.place or self.get_country_display(),
            "start": self.start_date.isoformat() if self.start_date else "?",
        }

    def get_country_display(self) -> str:
        from cleanprod.web.enterprises.filters import country_name

        return country_name(self.country)

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})

    @property
    def length_in_days(self) -> int | None:
        if self.start_date is None or self.end_date is None:
            return None
        return (self.end_date - self.start_date).days + 1

    @property
    def trainer_name_list(self) -> list[str]:
        return [line.strip() for line in self.trainer_names.splitlines() if line.strip()]


class Participant(models.Model):
    """A person who takes part in trainings: their sex (for sex-disaggregated indicators),
    position, and the organisation or enterprise they come from. Personal data: seen only by
    the staff of the organisation that registered them and of those running their sessions."""

    organisation_paths = ("registered_by", "attendances__session__organisation")
    personal = True

    name = models.CharField(_("name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, default=Sex.NOT_STATED)
    position = models.CharField(_("position"), max_length=150, blank=True, default="")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("organisation"),
        help_text=_("A centre, partner, agency or institute; leave empty for an enterprise."),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("enterprise"),
        help_text=_("An enterprise of the registry; leave empty for an organisation."),
    )
    email = models.EmailField(_("email"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    registered_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="registered_participants",
        verbose_name=_("recorded by"),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    #: Name, position and email folded for a search that ignores case and Vietnamese accents;
    #: kept by :meth:`save` (write participants one by one, as the audit trail needs anyway).
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = OrganisationRestrictedQuerySet.as_manager()

    SEARCHED_FIELDS = ("name", "position", "email", "phone")

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["registered_by", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True) | models.Q(enterprise__isnull=True),
                name="participant_of_organisation_or_enterprise",
            )
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name

    @property
    def affiliation(self) -> Organisation | Enterprise | None:
        """The organisation or the enterprise the participant comes from."""
        return self.enterprise if self.enterprise_id else self.organisation

    def clean(self) -> None:
        if self.organisation_id is not None and self.enterprise_id is not None:
            raise ValidationError(
                {
                    "enterprise": _(
                        "Give the organisation or the enterprise the participant comes from, "
                        "not both."
                    )
                }
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


class Attendance(models.Model):
    """A participant on a session's list: invited or registered, and whether (and how many
    days) they attended."""

    organisation_paths = ("session__organisation",)
    personal = True

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("participant"),
    )
    attended = models.BooleanField(_("attended"), default=False)
    days = models.DecimalField(
        _("days attended"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    objects = OrganisationRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "participant__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="one_attendance_per_participant"
            )
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self) -> str:
        return f"{self.participant} · {self.session}"

    def clean(self) -> None:
        if self.days is not None and self.session_id is not None:
            length = self.session.length_in_days
            if length is not None and self.days > length:
                raise ValidationError(
                    {
                        "days": _("The session lasts %(length)s days: write at most that.")
                        % {"length": length}
                    }
                )


class Assignment(models.Model):
    """An in-plant assignment: a group of participants practises the module's steps on a demo
    plant's assessment, and presents it at the next module."""

    organisation_paths = ("module__course__organisation", "session__organisation")
    personal = False

    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("module")
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("session"),
    )
    title = models.CharField(_("group"), max_length=200)
    tasks = models.TextField(_("tasks"), blank=True, default="")
    participants = models.ManyToManyField(
        Participant, blank=True, related_name="assignments", verbose_name=_("participants")
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        related_name="training_assignments",
        verbose_name=_("assessment practised on"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PLANNED,
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OrganisationRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["module", "title", "pk"]
        verbose_name = _("in-plant assignment")
        verbose_name_plural = _("in-plant assignments")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.session_id is not None and self.module_id != self.session.module_id:
            raise ValidationError({"module": _("The module must be the session's.")})


class Evaluation(models.Model):
    """One participant's evaluation of a session (or an anonymous one): a score per question
    and free comments."""

    organisation_paths = ("session__organisation",)
    personal = True

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("session")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("participant"),
        help_text=_("Leave empty for an anonymous evaluation."),
    )
    comments = models.TextField(_("comments"), blank=True, default="")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = OrganisationRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "-created", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"],
                condition=models.Q(participant__isnull=False),
                name="one_evaluation_per_participant_and_session",
            )
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return _("Evaluation %(number)s of %(session)s") % {
            "number": self.pk,
            "session": self.session,
        }


class Score(models.Model):
    """The answer of one evaluation to one question, 1 to 5."""

    organisation_paths = ("evaluation__session__organisation",)
    personal = True

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("evaluation")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="scores", verbose_name=_("question")
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(min(SCORES)), MaxValueValidator(max(SCORES))]
    )

    objects = OrganisationRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["evaluation", "question__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "question"], name="one_score_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=min(SCORES), value__lte=max(SCORES)),
                name="score_on_the_scale",
            ),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"
