"""Public appeals and their figures (per body, per unit, nationwide)."""

urlpatterns: list = []
