from django.urls import path

from cleanprod.web.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("options/", views.option_list, name="options"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
]
