"""Pages of trainings: courses and their modules, sessions with their attendance, participants,
in-plant assignments, evaluations with their summaries and charts, a printable session report,
and the import of a participant list.

Every record is read through the one permission filter (``restrict`` / ``get_permitted``),
whose rules for the centre's own work are :func:`cleanprod.web.permissions.organisation_condition`;
no page looks at a user's role.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cleanprod.web.accounts.models import Organisation
from cleanprod.web.assessments.models import Assessment
from cleanprod.web.enterprises import spreadsheet
from cleanprod.web.enterprises.duplicates import fold
from cleanprod.web.enterprises.filters import country_name
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.permissions import (
    Action,
    can_run_trainings,
    get_permitted,
    is_permitted,
    profile_of,
    sees_personal_data,
)
from cleanprod.web.trainings import participant_import
from cleanprod.web.trainings.charts import evaluation_charts
from cleanprod.web.trainings.choices import SCORES, Sex
from cleanprod.web.trainings.defaults import create_default_course
from cleanprod.web.trainings.filters import ParticipantFilter, SessionFilter
from cleanprod.web.trainings.forms import (
    AssignmentForm,
    AttendanceFormSet,
    EnrolForm,
    EvaluationForm,
    ImportForm,
    ParticipantForm,
    SessionForm,
)
from cleanprod.web.trainings.models import (
    Assignment,
    Attendance,
    Course,
    Evaluation,
    Module,
    Participant,
    Score,
    Session,
)
from cleanprod.web.trainings.reading import (
    attendance_summary,
    evaluation_summary,
    questions_of,
    session_evaluation_rows,
)

PAGE_SIZE = 50


def _counted(sessions: QuerySet) -> QuerySet:
    """Sessions with the counts of their lists: registered, attended, women who attended."""
    attended = Q(attendances__attended=True)
    return sessions.annotate(
        registered=Count("attendances"),
        attended=Count("attendances", filter=attended),
        women=Count("attendances", filter=attended & Q(attendances__participant__sex=Sex.FEMALE)),
    )


def _own_organisation(user: Any) -> Organisation | None:
    profile = profile_of(user)
    return profile.organisation if profile is not None else None


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# ---------------------------------------------------------------------------------------------
# Courses


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    """The courses, with their modules and sessions counted."""
    user = request.user
    courses = (
        Course.objects.restrict(user)
        .select_related("organisation")
        .annotate(
            module_count=Count("modules", distinct=True),
            session_count=Count("modules__sessions", distinct=True),
        )
        .order_by("title", "pk")
    )
    can_run = can_run_trainings(user)
    return render(
        request,
        "trainings/courses.html",
        {
            "courses": courses,
            "can_run": can_run,
            "organisations": (
                Organisation.objects.order_by("name")
                if can_run and _own_organisation(user) is None
                else None
            ),
        },
    )


@login_required
@require_POST
def course_default(request: HttpRequest) -> HttpResponse:
    """Starts the four-module CPA course of the Lao programme for the user's organisation."""
    user = request.user
    if not can_run_trainings(user):
        raise PermissionDenied
    organisation = _own_organisation(user)
    if organisation is None:  # a superuser without a profile chooses the organisation
        chosen = request.POST.get("organisation", "")
        organisation = Organisation.objects.filter(pk=chosen).first() if chosen.isdigit() else None
    if organisation is None:
        messages.error(request, _("Choose the organisation that runs the course."))
        return redirect("trainings:courses")
    course = create_default_course(organisation)
    messages.success(
        request,
        _("The four-module course is ready for %(organisation)s: plan its sessions.")
        % {"organisation": organisation},
    )
    return redirect("trainings:course", pk=course.pk)


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A course: its modules with their topics, its evaluation questions, its sessions."""
    user = request.user
    course = get_permitted(Course.objects.select_related("organisation"), user, pk=pk)
    modules = list(course.modules.order_by("number"))
    sessions = _counted(
        Session.objects.restrict(user)
        .filter(module__course=course)
        .select_related("organisation", "module")
        .order_by("module__number", "start_date", "pk")
    )
    by_module: dict[int, list[Session]] = {}
    for session in sessions:
        by_module.setdefault(session.module_id, []).append(session)
    return render(
        request,
        "trainings/course.html",
        {
            "course": course,
            "modules": [(module, by_module.get(module.pk, [])) for module in modules],
            "questions": list(course.questions.select_related("module").order_by("number", "pk")),
            "can_plan": can_run_trainings(user),
        },
    )


# ---------------------------------------------------------------------------------------------
# Sessions


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    """The sessions, filtered by course, module, country and year, with their lists counted."""
    found = SessionFilter(request.GET, queryset=Session.objects.restrict(request.user))
    sessions = _counted(
        found.qs.select_related("module__course", "organisation").order_by("-start_date", "pk")
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainings/sessions.html",
        {
            "filter": found,
            "page": page,
            "query": _query_without_page(request),
            "can_plan": can_run_trainings(request.user),
        },
    )


def _session(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Session:
    return get_permitted(
        Session.objects.select_related("module__course", "organisation"),
        request.user,
        action,
        pk=pk,
    )


def _session_history(session: Session) -> QuerySet:
    """The audit trail of a session, its list and its assignments."""
    types = ContentType.objects.get_for_models(Session, Attendance, Assignment)
    return (
        LogEntry.objects.filter(
            Q(content_type=types[Session], object_id=session.pk)
            | Q(
                content_type=types[Attendance],
                object_id__in=Attendance.objects.filter(session=session).values("pk"),
            )
            | Q(
                content_type=types[Assignment],
                object_id__in=Assignment.objects.filter(session=session).values("pk"),
            )
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:30]
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session: its facts, its list counted by sex, and for the staff of its organisation
    the names, with one form to record everyone's attendance; its in-plant assignments and
    evaluations."""
    user = request.user
    session = _session(request, pk)
    can_change = is_permitted(user, Action.CHANGE, session)
    personal = sees_personal_data(user, session)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    context: dict[str, Any] = {
        "session": session,
        "country": country_name(session.country),
        "can_change": can_change,
        "personal": personal,
        "summary": attendance_summary(session),
        "trainers": list(session.trainers.select_related("profile__organisation")),
        "evaluation_count": session.evaluations.count(),
    }
    if personal:
        attendances = (
            Attendance.objects.restrict(user)
            .filter(session=session)
            .select_related("session", "participant__organisation", "participant__enterprise")
            .order_by("participant__name", "pk")
        )
        if can_change:
            data = request.POST if request.method == "POST" else None
            formset = AttendanceFormSet(data, queryset=attendances, prefix="attendance")
            if data is not None and formset.is_valid():
                changed = 0
                with transaction.atomic():
                    for form in formset:
                        # Only the rows of the list: a row added to the posted form is not one.
                        if form.instance.pk and form.has_changed():
                            form.save()
                            changed += 1
                messages.success(
                    request,
                    _("The attendance is saved (%(count)s changed).") % {"count": changed},
                )
                return redirect("trainings:session", pk=session.pk)
            context["formset"] = formset
            context["enrol_form"] = EnrolForm(participants=_enrol_candidates(user, session))
            context["history"] = list(_session_history(session))
        else:
            context["attendances"] = list(attendances)
    assignments = list(
        session.assignments.select_related("assessment__enterprise")
        .annotate(member_count=Count("participants"))
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.restrict(user).order_by("name"),
                to_attr="visible_members",
            )
        )
        if personal
        else session.assignments.select_related("assessment__enterprise").annotate(
            member_count=Count("participants")
        )
    )
    visible_assessments = set(
        Assessment.objects.restrict(user)
        .filter(pk__in=[assignment.assessment_id for assignment in assignments])
        .values_list("pk", flat=True)
    )
    context["assignments"] = [
        (assignment, assignment.assessment_id in visible_assessments) for assignment in assignments
    ]
    return render(request, "trainings/session.html", context)


def _enrol_candidates(user: Any, session: Session) -> QuerySet:
    """The participants the user may see who are not on the session's list yet."""
    return (
        Participant.objects.restrict(user)
        .exclude(pk__in=Attendance.objects.filter(session=session).values("participant"))
        .select_related("organisation", "enterprise")
        .order_by("name", "pk")
    )


@login_required
@require_POST
def session_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Puts participants already recorded on a session's list."""
    session = _session(request, pk, Action.CHANGE)
    form = EnrolForm(request.POST, participants=_enrol_candidates(request.user, session))
    if form.is_valid():
        chosen = list(form.cleaned_data["participants"])
        with transaction.atomic():
            for participant in chosen:
                Attendance.objects.create(session=session, participant=participant)
        messages.success(
            request,
            _("%(count)s participants are put on the list.") % {"count": len(chosen)},
        )
    else:
        messages.error(
            request, _("Nobody was put on the list: choose participants from the list shown.")
        )
    return redirect("trainings:session", pk=session.pk)


def _session_form_page(
    request: HttpRequest, form: SessionForm, session: Session | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(request, _("The session is saved."))
        return redirect("trainings:session", pk=saved.pk)
    return render(request, "trainings/session_form.html", {"form": form, "session": session})


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    """Plans a session of a module, run by the user's organisation."""
    user = request.user
    if not can_run_trainings(user):
        raise PermissionDenied
    session = Session()
    organisation = _own_organisation(user)
    if organisation is not None:
        session.organisation = organisation
        session.country = organisation.country
    initial = {}
    module = request.GET.get("module", "")
    if module.isdigit():
        initial["module"] = int(module)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        instance=session,
        initial=initial,
        choose_organisation=organisation is None,
    )
    return _session_form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Changes a session's module, dates, place, trainers and notes."""
    session = _session(request, pk, Action.CHANGE)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        instance=session,
        choose_organisation=bool(getattr(request.user, "is_superuser", False)),
    )
    return _session_form_page(request, form, session)


# ---------------------------------------------------------------------------------------------
# Participants


@login_required
def participant_list(request: HttpRequest) -> HttpResponse:
    """The participants whose personal data the user may see: searched and filtered by
    organisation, enterprise and sex."""
    user = request.user
    found = ParticipantFilter(request.GET, queryset=Participant.objects.restrict(user))
    participants = (
        found.qs.select_related("organisation", "enterprise", "registered_by")
        .annotate(sessions_attended=Count("attendances", filter=Q(attendances__attended=True)))
        .order_by("name", "pk")
    )
    page = Paginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainings/participants.html",
        {
            "filter": found,
            "page": page,
            "query": _query_without_page(request),
            "can_add": can_run_trainings(user),
        },
    )


def _likely_duplicates(user: Any, participant: Participant) -> list[Participant]:
    """Participants the user may see with the same name (case and accents aside) from the
    same organisation or enterprise."""
    others = Participant.objects.restrict(user).filter(
        organisation_id=participant.organisation_id, enterprise_id=participant.enterprise_id
    )
    if participant.pk:
        others = others.exclude(pk=participant.pk)
    name = fold(participant.name)
    words = name.split()
    if words:
        others = others.filter(search_text__contains=words[0])
    return [
        other
        for other in others.select_related("organisation", "enterprise")[:200]
        if fold(other.name) == name
    ]


@login_required
@require_http_methods(["GET", "POST"])
def participant_create(request: HttpRequest) -> HttpResponse:
    """Records a participant, for the user's organisation; from a session's page, also puts
    them on its list (and they are recorded by the organisation running it)."""
    user = request.user
    if not can_run_trainings(user):
        raise PermissionDenied
    session = None
    session_id = request.GET.get("session", "")
    if session_id.isdigit():
        session = _session(request, int(session_id), Action.CHANGE)
    participant = Participant()
    organisation = session.organisation if session else _own_organisation(user)
    if organisation is not None:
        participant.registered_by = organisation
    form = ParticipantForm(
        request.POST if request.method == "POST" else None,
        instance=participant,
        enterprises=Enterprise.objects.restrict(user),
        choose_recorder=organisation is None,
    )
    duplicates: list[Participant] = []
    if request.method == "POST" and form.is_valid():
        duplicates = _likely_duplicates(user, form.instance)
        if not duplicates or form.cleaned_data.get("add_anyway"):
            with transaction.atomic():
                saved = form.save()
                if session is not None:
                    Attendance.objects.create(session=session, participant=saved)
            messages.success(request, _("%(name)s is recorded.") % {"name": saved.name})
            if session is not None:
                return redirect("trainings:session", pk=session.pk)
            return redirect("trainings:participant", pk=saved.pk)
        form.add_error(
            "add_anyway",
            _(
                "A participant of the same name from the same place is already recorded "
                "(below). If it is another person, tick the box and save again."
            ),
        )
    return render(
        request,
        "trainings/participant_form.html",
        {"form": form, "session": session, "duplicates": duplicates, "creating": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's record: the form to change it, the sessions on whose list they are,
    and the history of the record."""
    user = request.user
    participant = get_permitted(
        Participant.objects.select_related("organisation", "enterprise", "registered_by"),
        user,
        pk=pk,
    )
    can_change = is_permitted(user, Action.CHANGE, participant)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    form = ParticipantForm(
        request.POST if request.method == "POST" else None,
        instance=participant,
        enterprises=Enterprise.objects.restrict(user),
        choose_recorder=bool(getattr(user, "is_superuser", False)),
        ask_duplicates=False,
    )
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            with transaction.atomic():
                form.save()
        messages.success(request, _("%(name)s is saved.") % {"name": participant.name})
        return redirect("trainings:participant", pk=participant.pk)
    attendances = list(
        Attendance.objects.filter(participant=participant)
        .filter(session__in=Session.objects.restrict(user))
        .select_related("session__module__course", "session__organisation")
        .order_by("-session__start_date", "pk")
    )
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Participant), object_id=participant.pk
    ).select_related("actor")[:30]
    return render(
        request,
        "trainings/participant_form.html",
        {
            "form": form,
            "participant": participant,
            "attendances": attendances,
            "history": history,
            "can_change": can_change,
            "creating": False,
        },
    )


# ---------------------------------------------------------------------------------------------
# In-plant assignments


def _assignment_page(
    request: HttpRequest, form: AssignmentForm, assignment: Assignment, session: Session | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.save()
            if "participants" in form.fields:
                shown = set(form.fields["participants"].queryset.values_list("pk", flat=True))
                kept = [pk for pk in form.initial.get("participants", []) if _pk(pk) not in shown]
                saved.participants.set([*form.cleaned_data["participants"], *kept])
        messages.success(request, _("The assignment is saved."))
        if saved.session_id:
            return redirect("trainings:session", pk=saved.session_id)
        return redirect("trainings:course", pk=saved.module.course_id)
    return render(
        request,
        "trainings/assignment_form.html",
        {"form": form, "assignment": assignment, "session": session},
    )


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _members_choices(user: Any, session: Session | None, module: Module) -> QuerySet | None:
    """The participants a group may be made of: those of the session (or of the module's
    sessions) the user may see; None when the user may not see the session's names."""
    if session is not None:
        if not sees_personal_data(user, session):
            return None
        on_list = Attendance.objects.filter(session=session).values("participant")
    else:
        on_list = Attendance.objects.filter(session__module=module).values("participant")
    return (
        Participant.objects.restrict(user)
        .filter(pk__in=on_list)
        .select_related("organisation", "enterprise")
        .order_by("name", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Gives a group of a session's participants an in-plant assignment on a demo plant's
    assessment."""
    session = _session(request, pk, Action.CHANGE)
    assignment = Assignment(session=session, module=session.module)
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        instance=assignment,
        participants=_members_choices(request.user, session, session.module),
        assessments=Assessment.objects.restrict(request.user),
    )
    return _assignment_page(request, form, assignment, session)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Changes an in-plant assignment: its group, assessment, due date and status."""
    assignment = get_permitted(
        Assignment.objects.select_related("session__module__course", "module__course"),
        request.user,
        Action.CHANGE,
        pk=pk,
    )
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        instance=assignment,
        participants=_members_choices(request.user, assignment.session, assignment.module),
        assessments=Assessment.objects.restrict(request.user),
    )
    return _assignment_page(request, form, assignment, assignment.session)


# ---------------------------------------------------------------------------------------------
# Evaluations


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Enters one evaluation form of a session: one participant's answers, or an anonymous
    form."""
    user = request.user
    session = _session(request, pk, Action.CHANGE)
    questions = questions_of(session.module)
    participants = (
        Participant.objects.restrict(user)
        .filter(pk__in=Attendance.objects.filter(session=session).values("participant"))
        .exclude(pk__in=Evaluation.objects.filter(session=session).values("participant"))
        .order_by("name", "pk")
    )
    form = EvaluationForm(
        request.POST if request.method == "POST" else None,
        participants=participants,
        questions=questions,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    session=session,
                    participant=form.cleaned_data["participant"],
                    comments=form.cleaned_data["comments"].strip(),
                    entered_by=user,
                )
                for question, value in form.scores():
                    Score.objects.create(evaluation=evaluation, question=question, value=value)
        except IntegrityError:
            form.add_error(
                "participant",
                _("This participant's evaluation was entered meanwhile: choose another one."),
            )
        else:
            count = session.evaluations.count()
            messages.success(
                request,
                _("The evaluation is saved: %(count)s for this session so far.") % {"count": count},
            )
            if "next" in request.POST:
                return redirect("trainings:evaluation-create", pk=session.pk)
            return redirect("trainings:session-evaluations", pk=session.pk)
    return render(
        request,
        "trainings/evaluation_form.html",
        {
            "form": form,
            "session": session,
            "questions": questions,
            "count": session.evaluations.count(),
            "scale": SCORES,
        },
    )


def _summary_context(
    request: HttpRequest, sessions: QuerySet, module: Module, prefix: str
) -> dict[str, Any]:
    questions = questions_of(module)
    summary = evaluation_summary(sessions, questions)
    return {
        "evaluation": summary,
        "charts": evaluation_charts(summary, prefix),
        "scale": SCORES,
    }


@login_required
def session_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluations of a session: responses, mean and distribution per question, charts,
    comments (without names)."""
    session = _session(request, pk)
    sessions = Session.objects.restrict(request.user).filter(pk=session.pk)
    context = _summary_context(request, sessions, session.module, f"session-{session.pk}")
    context.update(
        session=session,
        module=session.module,
        can_enter=is_permitted(request.user, Action.CHANGE, session),
    )
    return render(request, "trainings/summary.html", context)


@login_required
def module_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluations of a module over all its sessions, and each session's mean."""
    module = get_permitted(Module.objects.select_related("course"), request.user, pk=pk)
    sessions = Session.objects.restrict(request.user).filter(module=module)
    context = _summary_context(request, sessions, module, f"module-{module.pk}")
    context.update(
        module=module,
        session_rows=session_evaluation_rows(
            sessions.order_by("start_date", "pk"), questions_of(module)
        ),
    )
    return render(request, "trainings/summary.html", context)


@login_required
def session_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable report of a session: its facts, the attendance counted by sex (with the
    names for the staff of its organisation), the assignments and the evaluation summary."""
    user = request.user
    session = _session(request, pk)
    personal = sees_personal_data(user, session)
    questions = questions_of(session.module)
    context: dict[str, Any] = {
        "session": session,
        "country": country_name(session.country),
        "personal": personal,
        "summary": attendance_summary(session),
        "trainers": list(session.trainers.all()),
        "evaluation": evaluation_summary(
            Session.objects.restrict(user).filter(pk=session.pk), questions
        ),
        "scale": SCORES,
        "assignments": list(
            session.assignments.select_related("assessment__enterprise").annotate(
                member_count=Count("participants")
            )
        ),
    }
    if personal:
        context["attendances"] = list(
            Attendance.objects.restrict(user)
            .filter(session=session)
            .select_related("participant__organisation", "participant__enterprise")
            .order_by("participant__name", "pk")
        )
    return render(request, "trainings/report.html", context)


# ---------------------------------------------------------------------------------------------
# Importing a participant list


@login_required
@require_http_methods(["GET", "POST"])
def participant_import_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Puts the participants of a spreadsheet on a session's list: every row checked, all or
    nothing."""
    user = request.user
    session = _session(request, pk, Action.CHANGE)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    check = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = spreadsheet.read_table(upload.read(), upload.name, sheet="Participants")
        except spreadsheet.SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            check = participant_import.check_import(
                table, session, user, form.cleaned_data.get("duplicates") or ""
            )
            if not check.refused:
                result = participant_import.import_checked(check, session)
                messages.success(
                    request,
                    _(
                        "The list is imported: %(created)s participants recorded, %(linked)s "
                        "already recorded put on the list, %(updated)s attendances updated."
                    )
                    % {
                        "created": result.participants_created,
                        "linked": result.participants_linked,
                        "updated": result.attendances_updated,
                    },
                )
                return redirect("trainings:session", pk=session.pk)
    return render(
        request,
        "trainings/import.html",
        {
            "form": form,
            "check": check,
            "session": session,
            "columns": participant_import.column_help(),
        },
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The import's template: the columns, an example row, and (in .xlsx) the coded values."""
    headers = list(participant_import.COLUMNS)
    if kind == "csv":
        body = spreadsheet.csv_bytes(headers, participant_import.template_rows())
        content_type = spreadsheet.CSV_TYPE
    else:
        body = spreadsheet.xlsx_bytes(
            [
                ("Participants", headers, participant_import.template_rows()),
                (
                    "Choices",
                    [_("column"), _("value"), _("meaning")],
                    participant_import.choice_rows(),
                ),
            ]
        )
        content_type = spreadsheet.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="participants-template.{kind}"'
    return response
