"""Public appeals and their figures (per body, per unit, nationwide). Included by urls.py inside
the "accountability" namespace."""

from django.urls import path, re_path

from .views import statistics

urlpatterns = [
    path("appeals/", statistics.national, name="appeals_national"),
    path("appeals/public/", statistics.public_list, name="public_appeals"),
    path("appeals/bodies/<int:body_id>/", statistics.body_appeals, name="body_appeals"),
    re_path(
        r"^appeals/bodies/(?P<body_id>[0-9]+)/(?P<table>trend|categories)\.csv$",
        statistics.body_appeals_data,
        name="body_appeals_data",
    ),
    path("units/<int:unit_id>/appeals/", statistics.unit_appeals, name="unit_appeals"),
    re_path(
        r"^units/(?P<unit_id>[0-9]+)/appeals/(?P<table>trend|categories)\.csv$",
        statistics.unit_appeals_data,
        name="unit_appeals_data",
    ),
]
