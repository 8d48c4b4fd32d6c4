"""`updated_since` takes any ISO 8601 offset Python accepts, even one the database refuses."""

import pytest
from django.utils import timezone

from catalog.models import SolutionStatus
from tests.factories import SolutionFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "since, listed",
    [
        ("1940-02-25T20:06:06+21:46", True),  # PostgreSQL allows at most ±15:59
        ("2999-01-01T00:00:00-23:59", False),
        ("2000-01-01T00:00:00Z", True),
    ],
)
def test_updated_since_is_compared_in_utc(api, vendor, since, listed):
    solution = SolutionFactory(
        vendor=vendor, status=SolutionStatus.PUBLISHED, published_at=timezone.now()
    )
    response = api.get("/api/v1/solutions/", {"updated_since": since})
    assert response.status_code == 200, response.content
    assert (solution.pk in [row["id"] for row in response.json()["results"]]) is listed


@pytest.mark.django_db
def test_a_time_that_is_not_one_is_a_400_naming_the_field(api):
    response = api.get("/api/v1/solutions/", {"updated_since": "yesterday"})
    assert response.status_code == 400
    assert "updated_since" in response.json()["errors"]
