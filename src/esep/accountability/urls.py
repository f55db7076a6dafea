"""Pages of the accountability app, under /<lang>/."""

from django.urls import include, path

from .views import appeals

app_name = "accountability"

urlpatterns = [
    path("appeals/new/", appeals.file_appeal, name="file_appeal"),
    path("appeals/mine/", appeals.my_appeals, name="my_appeals"),
    path("appeals/inbox/", appeals.inbox, name="inbox"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/files/<int:file_pk>/", appeals.appeal_file, name="appeal_file"),
    path("", include("esep.accountability.urls_statistics")),
    path("", include("esep.accountability.urls_information")),
]
