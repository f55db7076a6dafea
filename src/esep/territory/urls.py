from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("units/", views.national, name="national"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/record/", views.record_mandate, name="record_mandate"),
    path("mandates/<int:mandate_id>/end/", views.end_mandate, name="end_mandate"),
    path("search/", views.search, name="search"),
    path("powers/", views.powers, name="powers"),
    path("terms-ending/", views.terms_ending, name="terms_ending"),
]

# Open data downloads: the same in every language, so outside the language prefix.
export_urlpatterns = [
    path("exports/units.csv", views.export_units, name="export_units"),
    path("exports/people.csv", views.export_people, name="export_people"),
    path("exports/mandates.csv", views.export_mandates, name="export_mandates"),
]
