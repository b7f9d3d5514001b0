from django.urls import path

from cleanprod.web.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("export/", views.enterprise_export, name="export"),
    path("import/", views.enterprise_import, name="import"),
    path("import/template.xlsx", views.import_template, {"kind": "xlsx"}, name="import-template"),
    path("import/template.csv", views.import_template, {"kind": "csv"}, name="import-template-csv"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/delete/", views.enterprise_delete, name="delete"),
]
