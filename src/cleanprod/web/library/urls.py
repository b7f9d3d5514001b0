"""The staff's pages of the case-study library (signed in), under ``library/``."""

from django.urls import path

from cleanprod.web.library import views

app_name = "library"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/text/<str:language>/", views.case_text, name="text"),
    path("<int:pk>/publish/", views.case_publish, name="publish"),
    path("<int:pk>/withdraw/", views.case_withdraw, name="withdraw"),
    path("<int:pk>/refresh/", views.case_refresh, name="refresh"),
    path("<int:pk>/delete/", views.case_delete, name="delete"),
]
