"""The platform's addresses."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cleanprod.web.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="site/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("history/", site_views.history, name="history"),
    path("enterprises/", include("cleanprod.web.enterprises.urls")),
    path("people/", include("cleanprod.web.accounts.urls")),
    path("assessments/", include("cleanprod.web.assessments.urls")),
    path("trainings/", include("cleanprod.web.trainings.urls")),
    path("library/", include("cleanprod.web.library.urls")),
    path("cases/", include("cleanprod.web.library.public_urls")),
    path("api/", include("cleanprod.web.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
