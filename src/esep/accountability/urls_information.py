"""Requests for information."""

urlpatterns: list = []
