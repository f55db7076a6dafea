"""/api/v1 routes of the accountability app: public appeals, their statistics, and requests
for information."""

from ninja import Router

from .appeals import router as appeals_router
from .information import router as information_router

router = Router()
router.add_router("/", appeals_router)
router.add_router("/", information_router)
