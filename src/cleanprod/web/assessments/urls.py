from django.urls import path

from cleanprod.web.assessments import editing_views, views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", editing_views.assessment_new, name="new"),
    path("upload/", editing_views.assessment_upload, name="upload"),
    path("options/", views.option_list, name="options"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/edit/", editing_views.assessment_edit, name="edit"),
    path("<int:pk>/upload/", editing_views.version_upload, name="upload-version"),
    path("<int:pk>/options/", editing_views.options_follow, name="follow"),
    path("<int:pk>/options/<str:option_id>/", editing_views.option_follow, name="follow-option"),
    path("<int:pk>/results/", views.assessment_results, name="results"),
    path("<int:pk>/versions/", views.version_list, name="versions"),
    path(
        "<int:pk>/versions/<int:number>/restore/",
        editing_views.version_restore,
        name="restore",
    ),
    path("<int:pk>/compare/", views.version_compare, name="compare"),
    path("<int:pk>/download/<str:form>/", views.download_document, name="download"),
    path(
        "<int:pk>/report/<str:form>/<str:language>/",
        views.download_report,
        name="report",
    ),
]
