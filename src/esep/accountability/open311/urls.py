"""Open311 GeoReport v2 at /open311/v2/ (see docs/open311.md)."""

from django.urls import re_path

from . import views

FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="open311_discovery"),
    re_path(r"^services" + FMT, views.services, name="open311_services"),
    re_path(
        r"^services/(?P<code>[^/]{1,100})" + FMT, views.service_definition, name="open311_service"
    ),
    re_path(r"^requests" + FMT, views.requests, name="open311_requests"),
    re_path(r"^requests/(?P<pk>[0-9]{1,12})" + FMT, views.request_detail, name="open311_request"),
    # The GeoReport v2 Swagger file spells this one in the singular.
    re_path(r"^request/(?P<pk>[0-9]{1,12})" + FMT, views.request_detail),
    re_path(r"^tokens/(?P<token>[^/]{1,64})" + FMT, views.token_detail, name="open311_token"),
    re_path(r"^servicerequestupdates" + FMT, views.updates, name="open311_updates"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
