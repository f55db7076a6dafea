"""Participatory budgeting, under /<lang>/participation/."""

from django.urls import path

from . import staff_views, views

app_name = "participation"

urlpatterns = [
    path("participation/", views.process_list, name="list"),
    path("participation/verify/", views.verify, name="verify"),
    path("participation/verify/provider/", views.verify_oidc, name="verify_oidc"),
    path(
        "participation/verify/provider/callback/",
        views.verify_oidc_callback,
        name="verify_oidc_callback",
    ),
    path("participation/census/", staff_views.census, name="census"),
    path("participation/verify-in-person/", staff_views.verify_in_person, name="verify_in_person"),
    path("participation/<int:pk>/paper/", staff_views.paper, name="paper"),
    path("participation/<int:pk>/", views.process_detail, name="process"),
    path("participation/<int:pk>/propose/", views.propose, name="propose"),
    path("participation/<int:pk>/projects/<int:project>/", views.project_detail, name="project"),
    path("participation/<int:pk>/projects/<int:project>/support/", views.support, name="support"),
    path("participation/<int:pk>/projects/<int:project>/review/", views.review, name="review"),
    path("participation/<int:pk>/vote/", views.vote, name="vote"),
    path("participation/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("participation/<int:pk>/ballots/", views.ballots, name="ballots"),
    path("participation/<int:pk>/results/", views.results, name="results"),
    path("participation/<int:pk>/process.pb", views.download_pb, name="download_pb"),
]
