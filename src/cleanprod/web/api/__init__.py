"""The JSON API: enterprises, assessments and options, under the one permission filter.

``include("cleanprod.web.api")`` mounts it (under ``/api/``); its OpenAPI document is at
``/api/schema/`` and Swagger UI at ``/api/docs/`` (see :mod:`cleanprod.web.urls`).
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from cleanprod.web.api.views import AssessmentViewSet, EnterpriseViewSet, OptionViewSet

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="api-enterprise")
router.register("assessments", AssessmentViewSet, basename="api-assessment")
router.register("options", OptionViewSet, basename="api-option")

urlpatterns = [path("", include(router.urls))]
