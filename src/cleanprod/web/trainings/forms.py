"""Forms of trainings: a session, a participant, attendance, an assignment, an evaluation,
an import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from cleanprod.web.accounts.choices import STAFF_ROLES
from cleanprod.web.accounts.models import Organisation
from cleanprod.web.enterprises.forms import (
    MAX_IMPORT_BYTES,
    ConsultantChoiceField,
    country_choices,
)
from cleanprod.web.trainings.choices import SCORES
from cleanprod.web.trainings.models import (
    Assignment,
    Attendance,
    Module,
    Participant,
    Question,
    Session,
)
from cleanprod.web.trainings.participant_import import DuplicateChoice

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, module: Module) -> str:
        return f"{module.course} · {module}"


class SessionForm(forms.ModelForm):
    """A session: its module, dates, place, trainers and notes; its organisation only for a
    superuser to choose."""

    country = forms.ChoiceField(label=_("Country"), choices=country_choices)

    class Meta:
        model = Session
        fields = [
            "module",
            "start_date",
            "end_date",
            "place",
            "province",
            "country",
            "trainers",
            "trainer_names",
            "organisation",
            "notes",
        ]
        field_classes = {"module": ModuleChoiceField, "trainers": ConsultantChoiceField}
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "trainers": forms.SelectMultiple(attrs={"size": 8}),
            "trainer_names": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, choose_organisation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.select_related("course").order_by(
            "course__title", "course__pk", "number"
        )
        if choose_organisation:
            self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        else:
            del self.fields["organisation"]
        condition = Q(profile__role__in=STAFF_ROLES, is_active=True)
        if self.instance.pk:
            condition |= Q(pk__in=self.instance.trainers.values("pk"))
        self.fields["trainers"].queryset = (
            get_user_model()
            .objects.filter(condition)
            .select_related("profile__organisation")
            .order_by("profile__organisation__name", "first_name", "last_name", "username")
        )
        self.fields["trainers"].help_text = _(
            "Centre staff with an account (hold Ctrl or ⌘ to choose several)."
        )


class ParticipantForm(forms.ModelForm):
    """A participant; who records them only for a superuser to choose. When the name and the
    organisation or enterprise are those of a participant already recorded, it is saved only
    with ``add_anyway`` ticked."""

    add_anyway = forms.BooleanField(
        label=_("It is another person with the same name: add them anyway"), required=False
    )

    class Meta:
        model = Participant
        fields = [
            "name",
            "sex",
            "position",
            "organisation",
            "enterprise",
            "email",
            "phone",
            "registered_by",
        ]

    def __init__(
        self,
        *args: Any,
        enterprises: QuerySet,
        choose_recorder: bool = False,
        ask_duplicates: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        visible = Q(pk__in=enterprises.values("pk"))
        if self.instance.enterprise_id:
            visible |= Q(pk=self.instance.enterprise_id)
        self.fields["enterprise"].queryset = enterprises.model.objects.filter(visible).order_by(
            "name"
        )
        if choose_recorder:
            self.fields["registered_by"].queryset = Organisation.objects.order_by("name")
        else:
            del self.fields["registered_by"]
        if not ask_duplicates:
            del self.fields["add_anyway"]


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["attended", "days"]
        widgets = {"days": forms.NumberInput(attrs={"step": "0.5", "min": "0", "class": "days"})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        days = data.get("days")
        if days is not None and days > Decimal(0) and not data.get("attended"):
            # Days attended say that the participant attended.
            data["attended"] = True
            self.instance.attended = True
        return data


class BaseAttendanceFormSet(BaseModelFormSet):
    """The whole list of a session in one form (no row added or removed here)."""


AttendanceFormSet = modelformset_factory(
    Attendance,
    form=AttendanceForm,
    formset=BaseAttendanceFormSet,
    extra=0,
    can_delete=False,
    edit_only=True,
)


class ParticipantChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, participant: Participant) -> str:
        affiliation = participant.affiliation
        return f"{participant.name} ({affiliation})" if affiliation else participant.name


class EnrolForm(forms.Form):
    """Participants already recorded, to put on a session's list."""

    participants = ParticipantChoiceField(
        label=_("Participants already recorded"),
        queryset=Participant.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, participants: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = participants


class AssessmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, assessment: Any) -> str:
        return f"{assessment.title} · {assessment.enterprise.name}"


class AssignmentForm(forms.ModelForm):
    """An in-plant assignment of a session: the group, its members (among the session's
    participants), the assessment they practise on (among those the user may see)."""

    class Meta:
        model = Assignment
        fields = ["title", "tasks", "participants", "assessment", "due_date", "status"]
        field_classes = {
            "participants": ParticipantChoiceField,
            "assessment": AssessmentChoiceField,
        }
        widgets = {
            "participants": forms.CheckboxSelectMultiple,
            "due_date": DATE,
            "tasks": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": _("For example: Group 1, Lao Soft Drink Company."),
            "tasks": _(
                "What the group does at the plant before the next module, e.g. the baseline "
                "data, the flow diagram and the material balance."
            ),
        }

    def __init__(
        self,
        *args: Any,
        participants: QuerySet | None,
        assessments: QuerySet,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if participants is None:
            # The user may not see the participants' names: the group stays as it is.
            del self.fields["participants"]
        else:
            self.fields["participants"].queryset = participants
        self.assessment_hidden = False
        current = self.instance.assessment_id
        if current is not None and not assessments.filter(pk=current).exists():
            # Linked to an assessment the user may not see: it stays, unshown.
            del self.fields["assessment"]
            self.assessment_hidden = True
        else:
            self.fields["assessment"].queryset = assessments.select_related("enterprise").order_by(
                "enterprise__name", "title"
            )


class EvaluationForm(forms.Form):
    """One evaluation form of a session: who (or anonymous), a score per question, comments."""

    participant = forms.ModelChoiceField(
        label=_("Participant"),
        queryset=Participant.objects.none(),
        required=False,
        empty_label=_("Anonymous"),
        help_text=_("Leave “Anonymous” for a form returned without a name."),
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self, *args: Any, participants: QuerySet, questions: list[Question], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants
        self.questions = questions
        choices = [(str(score), str(score)) for score in SCORES]
        for question in questions:
            self.fields[self.field_name(question)] = forms.TypedChoiceField(
                label=question.text,
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
            )
        # Comments last.
        self.fields["comments"] = self.fields.pop("comments")

    @staticmethod
    def field_name(question: Question) -> str:
        return f"question_{question.pk}"

    def question_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(question)] for question in self.questions]

    def scores(self) -> list[tuple[Question, int]]:
        """The (question, score) of each answered question."""
        return [
            (question, self.cleaned_data[self.field_name(question)])
            for question in self.questions
            if self.cleaned_data.get(self.field_name(question)) is not None
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not self.scores() and not (data.get("comments") or "").strip():
            raise forms.ValidationError(
                _("The form is empty: give a score to at least one question, or a comment.")
            )
        return data


class ImportForm(forms.Form):
    """A spreadsheet of a session's participants."""

    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    duplicates = forms.ChoiceField(
        label=_("Rows like participants already recorded (same name, same organisation)"),
        choices=[
            (DuplicateChoice.ASK, _("Show them to me first; import nothing")),
            (DuplicateChoice.LINK, _("They are the same people: put them on this session")),
            (DuplicateChoice.NEW, _("They are other people: record them as new participants")),
        ],
        required=False,
        initial=DuplicateChoice.ASK,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; an import takes at most %(limit)s MB: split it."),
                params={
                    "size": round(upload.size / 1024 / 1024, 1),
                    "limit": MAX_IMPORT_BYTES // 1024 // 1024,
                },
            )
        return upload
