"""Schema-driven fuzzing of the API (schemathesis): whatever is sent, the answer is never a 5xx
and always matches the documented schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_data(regions):
    return regions


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_and_keeps_its_schema(case, fuzz_data):
    response = case.call_and_validate()
    assert response.status_code < 500
