from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "esep.accountability"
    label = "accountability"
    verbose_name = _("Accountability")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (open deadlines follow the working-day calendar)
