from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from esep.accounts.admin import admin_site
from esep.api.api import api
from esep.core import views as core_views
from esep.finance.urls import export_urlpatterns as finance_exports
from esep.territory.urls import export_urlpatterns

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("open311/v2/", include("esep.accountability.open311.urls")),
    *export_urlpatterns,
    *finance_exports,
]
urlpatterns += i18n_patterns(
    path("", include("esep.core.urls")),
    path("", include("esep.territory.urls")),
    path("", include("esep.finance.urls")),
    path("", include("esep.accountability.urls")),
    path("", include("esep.participation.urls")),
    path("accounts/", include("esep.accounts.urls")),
    path("admin/", admin_site.urls),
    prefix_default_language=True,
)

handler400 = "esep.core.views.bad_request"
handler403 = "esep.core.views.forbidden"
handler404 = "esep.core.views.not_found"
handler500 = "esep.core.views.server_error"
