"""The JSON API at /api/v1, assembled from each app's router. OpenAPI docs at /api/v1/docs,
served from local static files (django-ninja ships Swagger UI)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Swagger

from esep.accountability.api import router as accountability_router
from esep.core.api import router as core_router
from esep.finance.api import router as finance_router
from esep.participation.api import router as participation_router
from esep.territory.api import router as territory_router

from . import errors


class EsepAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema documents the one error shape on every operation."""

    def get_openapi_schema(self, **kwargs: Any):
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = errors.ERROR_SCHEMA
        ref = {"$ref": "#/components/schemas/Error"}
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault(
                    "4XX",
                    {
                        "description": "Bad request, not found, wrong method or invalid values",
                        "content": {"application/json": {"schema": ref}},
                    },
                )
        return schema


api = EsepAPI(
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
api.add_router("/", territory_router)
api.add_router("/", finance_router)
api.add_router("/", accountability_router)
api.add_router("/", participation_router)
