from django.urls import path

from cleanprod.web.accounts import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("new/", views.person_add, name="add"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/active/", views.person_active, name="active"),
]
