"""The public pages of the case-study library (no sign-in), under ``cases/``."""

from django.urls import path

from cleanprod.web.library import public_views

app_name = "cases"
urlpatterns = [
    path("", public_views.case_list, name="list"),
    path("<slug:slug>/", public_views.case_detail, name="detail"),
]
