"""What the API shows of enterprises, assessments and options, and what it accepts.

A serializer never decides who may see what: the views read every record through the one
permission filter (:mod:`cleanprod.web.permissions`), and an enterprise's confidential data
(its contacts) arrive already restricted, beside a flag that says whether the user may see
them at all (see :func:`cleanprod.web.api.views.enterprises_for`).
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from cleanprod.web.accounts.models import Organisation
from cleanprod.web.assessments.choices import Stage
from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion
from cleanprod.web.enterprises.choices import Sector
from cleanprod.web.enterprises.models import Contact, Enterprise
from cleanprod.web.permissions import profile_of


class WithOptionalFields:
    """A serializer some of whose read-only fields are shown only to some users or on request.

    ``optional_fields`` names them: the OpenAPI document does not list them as required.
    """

    optional_fields: tuple[str, ...] = ()


# --- enterprises -------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "position", "phone", "email"]


class EnterpriseSerializer(WithOptionalFields, serializers.ModelSerializer):
    """The registry's fields of an enterprise, and its contacts for those who may see them."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_(
            "The organisation that registered the enterprise: the user's own; only a superuser "
            "names another."
        ),
    )
    organisation_name = serializers.CharField(source="organisation", read_only=True)
    contacts = ContactSerializer(
        source="visible_contacts",
        many=True,
        read_only=True,
        help_text=_(
            "Confidential: present only for users who may see the enterprise's confidential "
            "data (the staff of the registering organisation, its assigned consultants, its "
            "own users)."
        ),
    )

    optional_fields = ("contacts",)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "local_name",
            "registration_number",
            "country",
            "province",
            "district",
            "address",
            "sector",
            "size",
            "employees",
            "supply_chain_role",
            "latitude",
            "longitude",
            "phone",
            "email",
            "website",
            "organisation",
            "organisation_name",
            "created",
            "updated",
            "contacts",
        ]
        read_only_fields = ["created", "updated"]

    def to_representation(self, instance: Enterprise) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not getattr(instance, "sees_confidential", False):
            data.pop("contacts", None)
        return data

    def validate_country(self, value: str) -> str:
        return value.strip().upper()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The organisation: the user's own for a new enterprise; only a superuser names
        another, or moves an enterprise to another organisation."""
        user = self.context["request"].user
        given = attrs.get("organisation")
        if user.is_superuser:
            if self.instance is None and given is None:
                profile = profile_of(user)
                if profile is None:
                    raise serializers.ValidationError(
                        {"organisation": _("Name the organisation that registers the enterprise.")}
                    )
                attrs["organisation"] = profile.organisation
            return attrs
        profile = profile_of(user)
        own = profile.organisation if profile is not None else None
        current = self.instance.organisation if self.instance is not None else own
        if given is not None and given != current:
            raise serializers.ValidationError(
                {
                    "organisation": _(
                        "An enterprise is registered by your own organisation (%(own)s); only a "
                        "superuser registers or moves one for another organisation."
                    )
                    % {"own": own}
                }
            )
        if self.instance is None:
            attrs["organisation"] = own
        return attrs

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """The fields, then the enterprise's own invariants (:meth:`Enterprise.clean`), keyed
        by field like the page's form."""
        attrs = super().to_internal_value(data)
        candidate = copy.copy(self.instance) if self.instance is not None else Enterprise()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs


# --- assessments -------------------------------------------------------------------------------


class AssessmentSerializer(serializers.ModelSerializer):
    """An assessment's record: its enterprise, title, stage, revision and key results."""

    summary = serializers.JSONField(
        read_only=True,
        help_text=_(
            "Key results of the current revision: the verdict of each layer's balance, the "
            "cost of losses, the options' totals."
        ),
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "enterprise",
            "title",
            "year",
            "stage",
            "revision",
            "summary",
            "results_problem",
            "created",
            "updated",
        ]
        read_only_fields = [
            "enterprise",
            "revision",
            "summary",
            "results_problem",
            "created",
            "updated",
        ]

    def update(self, instance: Assessment, validated_data: dict[str, Any]) -> Assessment:
        """Write only the fields changed here, so that a document saved meanwhile (its
        revision, summary and document) is never overwritten by an older copy."""
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save(update_fields=[*validated_data, "updated"])
        return instance


class AssessmentWithDocumentSerializer(WithOptionalFields, AssessmentSerializer):
    document = serializers.JSONField(
        read_only=True,
        help_text=_("The current cleanprod/1 document; only with ?include=document."),
    )

    optional_fields = ("document",)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "document"]


class NewAssessmentFields(serializers.Serializer):
    """What a new assessment takes beside its document."""

    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(),
        help_text=_("The enterprise assessed; you must be allowed to change its data."),
    )
    title = serializers.CharField(
        max_length=300,
        required=False,
        help_text=_("By default the document's title."),
    )
    year = serializers.IntegerField(
        min_value=1900,
        max_value=2200,
        required=False,
        allow_null=True,
        help_text=_("Baseline year; by default the year the document's period starts."),
    )
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # An enterprise the user may not see is "not found", like any unknown id.
            self.fields["enterprise"].queryset = Enterprise.objects.restrict(request.user)


class NewAssessmentSerializer(NewAssessmentFields):
    document = serializers.JSONField(help_text=_("The cleanprod/1 document, as its JSON form."))


class NewAssessmentUploadSerializer(NewAssessmentFields):
    file = serializers.FileField(
        help_text=_("The document as a file: .yaml, .yml, .json or .xlsx."),
    )


class DocumentSaveFields(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=0,
        help_text=_(
            "The revision the edit started from; when another save came since, nothing is "
            "saved and the answer is 409 Conflict."
        ),
    )
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DocumentSaveSerializer(DocumentSaveFields):
    document = serializers.JSONField(help_text=_("The cleanprod/1 document, as its JSON form."))


class DocumentUploadSerializer(DocumentSaveFields):
    file = serializers.FileField(
        help_text=_("The document as a file: .yaml, .yml, .json or .xlsx."),
    )


class CurrentDocumentSerializer(serializers.Serializer):
    revision = serializers.IntegerField(read_only=True)
    document = serializers.JSONField(read_only=True)


class VersionSerializer(serializers.ModelSerializer):
    saved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AssessmentVersion
        fields = ["id", "number", "saved_by", "saved_at", "comment", "source_name"]


class ProblemSerializer(serializers.Serializer):
    where = serializers.CharField(help_text=_("The file, sheet and row, or key path."))
    message = serializers.CharField(help_text=_("What was expected, what was found."))


class DocumentProblemsSerializer(serializers.Serializer):
    """A document that cannot be read: every problem, located."""

    detail = serializers.CharField()
    problems = ProblemSerializer(many=True)


class EditConflictSerializer(serializers.Serializer):
    """Another save came after the revision the edit started from; nothing was saved."""

    detail = serializers.CharField()
    revision = serializers.IntegerField(help_text=_("The current revision."))


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- options -----------------------------------------------------------------------------------


class OptionSerializer(serializers.ModelSerializer):
    """An option of an assessment's current document, with its enterprise's place."""

    enterprise = serializers.IntegerField(source="assessment.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="assessment.enterprise.name", read_only=True)
    country = serializers.CharField(source="assessment.enterprise.country", read_only=True)
    sector = serializers.ChoiceField(
        source="assessment.enterprise.sector", choices=Sector.choices, read_only=True
    )

    class Meta:
        model = AssessmentOption
        fields = [
            "id",
            "assessment",
            "option_id",
            "title",
            "enterprise",
            "enterprise_name",
            "country",
            "sector",
            "practice",
            "status",
            "currency",
            "investment",
            "annual_savings",
            "net_present_value",
            "payback_years",
            "verified_savings",
            "verified_savings_unit",
            "implemented_on",
        ]
        read_only_fields = fields


# --- the OpenAPI document ----------------------------------------------------------------------


class OptionalFieldsExtension(OpenApiSerializerExtension):
    """drf-spectacular lists every read-only field as required; not the optional ones."""

    target_class = WithOptionalFields
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        optional = set(getattr(self.target, "optional_fields", ()))
        required = [name for name in schema.get("required", []) if name not in optional]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        return schema
