from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "esep.api"
    label = "esep_api"
    verbose_name = "API"
