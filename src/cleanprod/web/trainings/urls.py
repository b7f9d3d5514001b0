from django.urls import path

from cleanprod.web.trainings import views

app_name = "trainings"
urlpatterns = [
    path("", views.course_list, name="courses"),
    path("courses/default/", views.course_default, name="course-default"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("modules/<int:pk>/evaluations/", views.module_summary, name="module-evaluations"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:pk>/enrol/", views.session_enrol, name="session-enrol"),
    path("sessions/<int:pk>/import/", views.participant_import_page, name="session-import"),
    path("sessions/<int:pk>/report/", views.session_report, name="session-report"),
    path("sessions/<int:pk>/assignments/new/", views.assignment_create, name="assignment-create"),
    path("sessions/<int:pk>/evaluations/", views.session_summary, name="session-evaluations"),
    path("sessions/<int:pk>/evaluations/new/", views.evaluation_create, name="evaluation-create"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment-edit"),
    path("participants/", views.participant_list, name="participants"),
    path("participants/new/", views.participant_create, name="participant-create"),
    path("participants/<int:pk>/", views.participant_edit, name="participant"),
    path("import/template.xlsx", views.import_template, {"kind": "xlsx"}, name="import-template"),
    path("import/template.csv", views.import_template, {"kind": "csv"}, name="import-template-csv"),
]
