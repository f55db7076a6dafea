from django.urls import path, re_path

from . import views

app_name = "finance"

urlpatterns = [
    path("budgets/", views.national, name="national"),
    re_path(
        r"^budgets/(?P<chart>[a-z_]+)\.(?P<fmt>csv|json)$",
        views.national_chart_data,
        name="national_data",
    ),
    path("budgets/datasets/<int:dataset_id>/", views.dataset, name="dataset"),
    path("budgets/upload/", views.upload, name="upload"),
    path("units/<int:unit_id>/budget/", views.unit_budget, name="unit_budget"),
    re_path(
        r"^units/(?P<unit_id>[0-9]+)/budget/(?P<chart>[a-z_]+)\.(?P<fmt>csv|json)$",
        views.unit_chart_data,
        name="unit_data",
    ),
]

export_urlpatterns = [
    path("exports/budget-lines.csv", views.export_lines, name="export_budget_lines"),
    path("exports/budgets-fdp.zip", views.export_package, name="export_budget_package"),
]
