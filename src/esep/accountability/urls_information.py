"""Requests for information, under /<lang>/information/ (inside the "accountability"
namespace)."""

from django.urls import path

from .views import information

urlpatterns = [
    path("information/", information.request_list, name="information_list"),
    path("information/new/", information.request_new, name="information_new"),
    path("information/inbox/", information.inbox, name="information_inbox"),
    path("information/mine/", information.mine, name="information_mine"),
    path("information/<int:pk>/", information.request_detail, name="information_request"),
    path(
        "information/<int:pk>/files/<int:file_pk>/",
        information.request_file,
        name="information_file",
    ),
    path("information/<int:pk>/<slug:verb>/", information.request_act, name="information_act"),
]
