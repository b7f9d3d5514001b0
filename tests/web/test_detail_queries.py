"""Detail pages take the same number of queries however many records hang off them."""

from __future__ import annotations

from django.urls import reverse

from cleanprod.web.assessments.models import Assessment, AssessmentVersion
from cleanprod.web.enterprises.models import Contact


def _queries(django_assert_max_num_queries, client, url: str, most: int) -> int:
    with django_assert_max_num_queries(most) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_enterprise_detail_queries_do_not_grow(
    people, enterprise, assessment, client_of, django_assert_max_num_queries
):
    client = client_of(people["consultant"])
    url = reverse("enterprises:detail", args=[enterprise.pk])
    few = _queries(django_assert_max_num_queries, client, url, 25)
    for number in range(15):
        Contact.objects.create(enterprise=enterprise, name=f"Contact {number}")
        Assessment.objects.create(enterprise=enterprise, title=f"Follow-up {number}", revision=1)
    for user in (people["centre_admin"], people["superuser"]):
        enterprise.consultants.add(user)
    assert _queries(django_assert_max_num_queries, client, url, 25) == few


def test_assessment_detail_queries_do_not_grow(
    people, assessment, client_of, django_assert_max_num_queries
):
    client = client_of(people["consultant"])
    url = reverse("assessments:detail", args=[assessment.pk])
    few = _queries(django_assert_max_num_queries, client, url, 25)
    document = assessment.versions.get().document
    for number in range(2, 14):
        AssessmentVersion.objects.create(
            assessment=assessment, number=number, document=document, saved_by=people["consultant"]
        )
    Assessment.objects.filter(pk=assessment.pk).update(revision=13)
    assert _queries(django_assert_max_num_queries, client, url, 25) == few
