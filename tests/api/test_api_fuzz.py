"""Schema-driven fuzzing of the API (schemathesis): whatever is sent, the answer is never a 5xx
and always matches the documented schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_data(regions):
    """Data to fuzz against. Requests go straight to the WSGI app, so, as Django's test client
    does, keep the test's database connection open across them."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield regions
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=100,
    derandomize=True,  # the same cases every run: CI must not be flaky
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_and_keeps_its_schema(case, fuzz_data):
    response = case.call_and_validate()
    assert response.status_code < 500
