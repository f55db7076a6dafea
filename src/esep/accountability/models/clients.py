"""Client applications that file appeals through Open311 (POST needs an API key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """An application allowed to POST Open311 requests. Only the SHA-256 of its key is kept;
    the key itself is shown once, when it is issued."""

    name = models.CharField(_("name"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    key_prefix = models.CharField(_("key prefix"), max_length=8)
    key_sha256 = models.CharField(_("key hash"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
