"""The JSON API at /api/v1, assembled from each app's router. OpenAPI docs at /api/v1/docs,
served from local static files (django-ninja ships Swagger UI)."""

from ninja import NinjaAPI, Swagger

from esep.core.api import router as core_router
from esep.territory.api import router as territory_router

from . import errors

api = NinjaAPI(
    title="esep API",
    version="1",
    description="Open data of esep: local self-government in Kazakhstan.",
    urls_namespace="api",
    docs_url="/docs",
    # Without deep links Swagger UI nests no link inside its buttons (WCAG nested-interactive).
    docs=Swagger(settings={"deepLinking": False}),
)
errors.install(api)
api.add_router("/", core_router)
api.add_router("/units", territory_router)
