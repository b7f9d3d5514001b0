"""Trainings in Django's admin, for superusers: courses with their modules and questions."""

from django.contrib import admin

from cleanprod.web.trainings.models import (
    Assignment,
    Attendance,
    Course,
    Evaluation,
    Module,
    Participant,
    Question,
    Session,
)


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "language")
    inlines = [ModuleInline, QuestionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("module", "start_date", "end_date", "place", "country", "organisation")
    list_filter = ("country", "organisation")
    filter_horizontal = ("trainers",)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("name", "sex", "position", "organisation", "enterprise", "registered_by")
    list_filter = ("sex", "registered_by")
    search_fields = ("name", "email")
    raw_id_fields = ("enterprise",)


admin.site.register(Attendance)
admin.site.register(Assignment)
admin.site.register(Evaluation)
