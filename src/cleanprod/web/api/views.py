"""The API's views: each a queryset, a serializer and a filter, under the one permission filter.

Every view reads its records through ``Model.objects.restrict(user, "view")``
(:class:`Restricted`), so that an object the user may not see is *not found* (404) and a list
never holds one. What a request would do to an object it may see is asked of the same filter
by :class:`RestrictedPermission`, with the action of its HTTP method; a refusal is 403.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch, ProtectedError, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from cleanprod.errors import CleanprodError, DocumentError
from cleanprod.model import Assessment as Document
from cleanprod.services.documents import plain, read_upload
from cleanprod.web.api import serializers as api
from cleanprod.web.api.filters import AssessmentFilter, EnterpriseFilter, OptionFilter
from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion
from cleanprod.web.assessments.results import current_results
from cleanprod.web.assessments.saving import EditConflict, create_assessment, save_document
from cleanprod.web.enterprises.models import Contact, Enterprise
from cleanprod.web.permissions import Action, can_register_enterprises, confidential_visibility

#: The action an HTTP method asks of an object (a POST to an object changes it).
ACTION_OF_METHOD = {
    "GET": Action.VIEW,
    "HEAD": Action.VIEW,
    "OPTIONS": Action.VIEW,
    "POST": Action.CHANGE,
    "PUT": Action.CHANGE,
    "PATCH": Action.CHANGE,
    "DELETE": Action.DELETE,
}


class RestrictedPermission(BasePermission):
    """The one permission filter, asked of a request.

    A signed-in user only. The views hold only what the user may view, so an object outside
    them is 404 before this is asked; for an object the user sees, the action of the method
    (GET, HEAD, OPTIONS: view; PUT, PATCH, POST: change; DELETE: delete) must pass
    ``Model.objects.restrict(user, action)`` too, or the answer is 403.
    """

    message = gettext_lazy("You may see this record but not do this to it.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        action = ACTION_OF_METHOD.get(request.method or "", Action.CHANGE)
        if action == Action.VIEW:
            return True  # the view's queryset is restrict(user, "view") already
        return type(obj).objects.restrict(request.user, action).filter(pk=obj.pk).exists()


class Restricted:
    """A view whose queryset is what the user may view: the base of every view of the API."""

    permission_classes = [RestrictedPermission]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().restrict(self.request.user, Action.VIEW)  # type: ignore[misc]


class DocumentProblems(APIException):
    """400: the document sent cannot be read; every problem, located."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_document"

    def __init__(self, error: CleanprodError, source: str):
        if isinstance(error, DocumentError):
            problems = [{"where": p.where, "message": p.message} for p in error.problems]
            detail = _("%(source)s: %(count)d problem(s); nothing was saved.") % {
                "source": error.source,
                "count": len(problems),
            }
        else:
            problems = [{"where": source, "message": str(error)}]
            detail = str(error)
        super().__init__({"detail": detail, "problems": problems})


class Conflict(APIException):
    """409: the request conflicts with the record's state (another save came first; an
    enterprise that assessments keep)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def edit_conflict(conflict: EditConflict, revision: int) -> Conflict:
    """409 with who saved when, and the current revision (a number, as the schema says)."""
    refused = Conflict(str(conflict))
    refused.detail = {"detail": refused.detail, "revision": revision}
    return refused


def is_upload(request: Request) -> bool:
    return (request.content_type or "").startswith("multipart/form-data")


def sent_document(data: dict[str, Any]) -> tuple[Document, str]:
    """The validated document of a request (an uploaded file, or JSON under ``document``)
    and the name of its source; raises :class:`DocumentProblems`.

    JSON goes through the same reader as a .json file, which locates each problem by its key
    path (``document.json, flows[0] (water).name``).
    """
    upload = data.get("file")
    if upload is not None:
        content, name = upload.read(), upload.name
    else:
        content, name = json.dumps(data["document"], cls=DjangoJSONEncoder).encode(), ""
    return read_document_bytes(content, name or "document.json"), name


def read_document_bytes(content: bytes, name: str) -> Document:
    try:
        return read_upload(content, name)
    except CleanprodError as error:
        raise DocumentProblems(error, name) from None


def json_safe(value: Any) -> Any:
    """``value`` as JSON would give it back: dates as ISO strings, numpy's numbers as Python's,
    and a number that is not finite as null."""
    text = json.dumps(plain(value), cls=DjangoJSONEncoder)
    return json.loads(text, parse_constant=lambda constant: None)


# --- enterprises -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Enterprises of the registry the user may see"),
    retrieve=extend_schema(summary="An enterprise, with its contacts when the user may see them"),
    create=extend_schema(
        summary="Register an enterprise (centre staff; for their own organisation)",
        responses={201: api.EnterpriseSerializer, 403: api.DetailSerializer},
    ),
    update=extend_schema(summary="Change an enterprise's registry fields"),
    partial_update=extend_schema(summary="Change some of an enterprise's registry fields"),
    destroy=extend_schema(
        summary="Delete an enterprise (a centre administrator of its organisation)",
        responses={204: None, 403: api.DetailSerializer, 409: api.DetailSerializer},
    ),
)
class EnterpriseViewSet(Restricted, viewsets.ModelViewSet):
    """The registry of enterprises: its fields are shared with every member of an
    organisation; contacts only with those who may see the enterprise's confidential data."""

    queryset = Enterprise.objects.select_related("organisation")
    serializer_class = api.EnterpriseSerializer
    filterset_class = EnterpriseFilter

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        return (
            super()
            .get_queryset()
            .annotate(sees_confidential=confidential_visibility(user))
            .prefetch_related(
                Prefetch(
                    "contacts",
                    queryset=Contact.objects.restrict(user),
                    to_attr="visible_contacts",
                )
            )
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can_register_enterprises(request.user):
            raise PermissionDenied(_("Only the staff of a centre register enterprises."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = serializer.save()
        shown = self.get_serializer(self.get_queryset().get(pk=enterprise.pk))
        return Response(shown.data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Enterprise) -> None:
        """Refused (409) while assessments or user accounts belong to the enterprise, as on
        its page: deleting it would take them along."""
        blockers = {
            "assessments": instance.assessments.count(),
            "users": instance.users.count(),
        }
        if any(blockers.values()):
            raise Conflict(
                _(
                    "%(enterprise)s has %(assessments)d assessment(s) and %(users)d user "
                    "account(s): it is deleted only when it has none."
                )
                % {"enterprise": instance, **blockers}
            )
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError:
            raise Conflict(
                _("%(enterprise)s was not deleted: records were added to it meanwhile.")
                % {"enterprise": instance}
            ) from None


# --- assessments -------------------------------------------------------------------------------

INCLUDE = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    enum=["document"],
    description="`document`: add the current cleanprod/1 document to the answer.",
)
NEW_ASSESSMENT = {
    "application/json": api.NewAssessmentSerializer,
    "multipart/form-data": api.NewAssessmentUploadSerializer,
}
SAVE_DOCUMENT = {
    "application/json": api.DocumentSaveSerializer,
    "multipart/form-data": api.DocumentUploadSerializer,
}


@extend_schema_view(
    list=extend_schema(summary="Assessments the user may see"),
    retrieve=extend_schema(
        summary="An assessment; with ?include=document, its current document",
        parameters=[INCLUDE],
        responses=api.AssessmentWithDocumentSerializer,
    ),
    update=extend_schema(summary="Change an assessment's title, year or stage"),
    partial_update=extend_schema(summary="Change some of an assessment's title, year, stage"),
)
class AssessmentViewSet(
    Restricted,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessments of enterprises: each save of the document a version, none lost to another
    (the save names the revision it started from)."""

    queryset = Assessment.objects.all()
    serializer_class = api.AssessmentSerializer
    filterset_class = AssessmentFilter

    def wants_document(self) -> bool:
        return "document" in self.request.query_params.get("include", "").split(",")

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if self.action in {"document", "results"} or (
            self.action == "retrieve" and self.wants_document()
        ):
            return queryset
        return queryset.defer("document")  # lists and records need not load the documents

    def get_serializer_class(self) -> type:
        if self.action == "retrieve" and self.wants_document():
            return api.AssessmentWithDocumentSerializer
        return super().get_serializer_class()

    @extend_schema(
        summary="Create an assessment from a document (JSON, or an uploaded file)",
        description=(
            "The document is sent as JSON under `document`, or as a file (.yaml, .yml, .json, "
            ".xlsx) under `file` in a multipart form. The assessment is created with version 1 "
            "of the document. You must be allowed to change the enterprise's data."
        ),
        request=NEW_ASSESSMENT,
        responses={
            201: api.AssessmentSerializer,
            400: api.DocumentProblemsSerializer,
            403: api.DetailSerializer,
        },
    )
    def create(self, request: Request) -> Response:
        serializer_class = (
            api.NewAssessmentUploadSerializer if is_upload(request) else api.NewAssessmentSerializer
        )
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enterprise = data["enterprise"]
        # A new assessment changes the enterprise's data: the same check as a POST to it.
        self.check_object_permissions(request, enterprise)
        document, source_name = sent_document(data)
        assessment = create_assessment(
            enterprise,
            document,
            request.user,
            year=data.get("year"),
            stage=data.get("stage"),
            comment=data.get("comment", ""),
            source_name=source_name,
        )
        return Response(api.AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The current document and its revision",
        responses=api.CurrentDocumentSerializer,
    )
    @extend_schema(
        methods=["PUT", "POST"],
        summary="Save a new version of the document",
        description=(
            "Send the revision the edit started from and the whole document (JSON under "
            "`document`, or a file under `file` in a multipart form). When another save came "
            "since, nothing is saved and the answer is 409 with who saved when."
        ),
        request=SAVE_DOCUMENT,
        responses={
            200: api.AssessmentSerializer,
            400: api.DocumentProblemsSerializer,
            403: api.DetailSerializer,
            409: api.EditConflictSerializer,
        },
    )
    @action(detail=True, methods=["get", "put", "post"], filter_backends=[])
    def document(self, request: Request, pk: Any = None) -> Response:
        assessment = self.get_object()
        if request.method == "GET":
            shown = api.CurrentDocumentSerializer(assessment)
            return Response(shown.data)
        serializer_class = (
            api.DocumentUploadSerializer if is_upload(request) else api.DocumentSaveSerializer
        )
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        started_from = data["revision"]
        if started_from != assessment.revision:  # refused before the results are computed
            raise edit_conflict(EditConflict(assessment, started_from), assessment.revision)
        document, source_name = sent_document(data)
        try:
            save_document(
                assessment,
                document,
                request.user,
                started_from=started_from,
                comment=data.get("comment", ""),
                source_name=source_name,
            )
        except EditConflict as conflict:
            latest = conflict.latest.number if conflict.latest else assessment.revision
            raise edit_conflict(conflict, latest) from None
        return Response(api.AssessmentSerializer(assessment).data)

    @extend_schema(
        summary="Versions of the document, latest first",
        filters=False,
        responses=api.VersionSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=api.VersionSerializer,
        filter_backends=[],
    )
    def versions(self, request: Request, pk: Any = None) -> Response:
        assessment = self.get_object()
        versions = (
            AssessmentVersion.objects.restrict(request.user)
            .filter(assessment=assessment)
            .select_related("saved_by")
            .defer("document")
            .order_by("-number")
        )
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(api.VersionSerializer(page, many=True).data)

    @extend_schema(
        summary="Results of the current document",
        description=(
            "Everything the report shows: balances, costs, indicators, emissions, focus, "
            "options with their risk, portfolio, implementation, data quality. Dates are ISO "
            "strings; a figure that is not finite is null. 422 when the results cannot be "
            "computed (the reason in plain words). Computed once per revision and kept."
        ),
        responses={200: OpenApiTypes.OBJECT, 422: api.DetailSerializer},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def results(self, request: Request, pk: Any = None) -> Response:
        assessment = self.get_object()
        results, problem = current_results(assessment)
        if results is None:
            return Response({"detail": problem}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        return Response(json_safe(results))


# --- options -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Options of the assessments the user may see"),
    retrieve=extend_schema(summary="An option"),
)
class OptionViewSet(Restricted, viewsets.ReadOnlyModelViewSet):
    """Options of the current documents, one row each, to follow across enterprises."""

    queryset = AssessmentOption.objects.select_related("assessment__enterprise").defer(
        "assessment__document", "assessment__summary"
    )
    serializer_class = api.OptionSerializer
    filterset_class = OptionFilter
