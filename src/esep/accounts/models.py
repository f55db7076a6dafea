"""People who sign in, and the roles they hold in a place."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        """Django's entry point (e.g. `esep createsuperuser`): the audited registration action."""
        from esep.core.actions import Actor

        from .actions import register_resident

        if not password:
            raise ValueError("a password is required")
        return register_resident(
            Actor.cli("create_user"),
            email=email,
            full_name=extra.pop("full_name", ""),
            password=password,
            **extra,
        )

    def create_superuser(self, email: str, password: str | None = None, **extra):
        """`esep createsuperuser`: an account holding esep's administrator role. Django's
        is_superuser flag is never set: permissions come from roles only."""
        from esep.core.actions import Actor

        from .actions import grant_role

        user = self.create_user(email, password, **extra)
        grant_role(Actor.cli("createsuperuser"), user=user, kind=RoleKind.ADMINISTRATOR)
        return user


class User(AbstractUser):
    """An account. Signs in with an email address; `full_name` is how the person is shown."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    is_demo = models.BooleanField(_("demo account"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=~models.Q(email=""), name="user_email_not_empty"),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_lower_case"
            ),
            # Permissions come from roles; Django's all-powerful flag is never used.
            models.CheckConstraint(
                condition=models.Q(is_superuser=False), name="user_not_django_superuser"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email


class RoleKind(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    AKIMAT_EDITOR = "akimat_editor", _("Akimat editor")
    MASLIKHAT_STAFF = "maslikhat_staff", _("Maslikhat staff")
    MODERATOR = "moderator", _("Moderator")
    ELECTION_COMMISSION = "election_commission", _("Election commission member")


# Which scope each kind of role needs: nothing, a body, or a unit (and the units below it).
BODY_ROLES = (RoleKind.AKIMAT_EDITOR, RoleKind.MASLIKHAT_STAFF)
BODY_KIND_OF_ROLE = {RoleKind.AKIMAT_EDITOR: "akimat", RoleKind.MASLIKHAT_STAFF: "maslikhat"}
UNIT_ROLES = (RoleKind.MODERATOR, RoleKind.ELECTION_COMMISSION)


class Role(models.Model):
    """A role held by a user in a place, from `granted_at` until revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=32, choices=RoleKind.choices)
    body = models.ForeignKey(
        "territory.Body", verbose_name=_("body"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        "territory.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_kind_known", condition=models.Q(kind__in=RoleKind.values)
            ),
            models.CheckConstraint(
                name="role_scope_matches_kind",
                condition=(
                    models.Q(kind=RoleKind.ADMINISTRATOR, body__isnull=True, unit__isnull=True)
                    | models.Q(kind__in=BODY_ROLES, body__isnull=False, unit__isnull=True)
                    | models.Q(kind__in=UNIT_ROLES, body__isnull=True, unit__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                "user",
                "kind",
                Coalesce("body", 0),
                Coalesce("unit", 0),
                condition=models.Q(revoked_at__isnull=True),
                name="role_one_active_per_scope",
            ),
            models.CheckConstraint(
                name="role_revoked_after_granted",
                condition=models.Q(revoked_at__isnull=True)
                | models.Q(revoked_at__gte=models.F("granted_at")),
            ),
        ]

    def __str__(self) -> str:
        scope = self.body or self.unit
        return f"{self.get_kind_display()} — {scope}" if scope else self.get_kind_display()


class VerificationMethod(models.TextChoices):
    CENSUS = "census", _("Census list of the akimat")
    IN_PERSON = "in_person", _("In person, by staff")
    OIDC = "oidc", _("Identity provider")


class CensusList(models.Model):
    """A list of residents uploaded by an akimat: only the keyed hashes of their IINs, their
    birth dates and units. A newer list of the same unit replaces it (`replaced_at`)."""

    unit = models.ForeignKey("territory.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("residents"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        verbose_name = _("census list")
        verbose_name_plural = _("census lists")
        constraints = [
            models.UniqueConstraint(
                "unit", condition=models.Q(replaced_at__isnull=True), name="census_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.file_name}"


class CensusEntry(models.Model):
    census = models.ForeignKey(CensusList, on_delete=models.CASCADE, related_name="entries")
    identity_hash = models.CharField(max_length=64)
    birth_date = models.DateField()
    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+")
    # The keyed hash of the identity document's number where the list records it: then the
    # resident must give that number too, not only the IIN (which many people know).
    document_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint("census", "identity_hash", name="census_entry_once"),
        ]

    def __str__(self) -> str:
        return self.identity_hash[:12]


class Verification(models.Model):
    """A person's verified identity and residence: one account, one person (the keyed hash of
    the IIN), one unit, until `expires_at` or until revoked. One person holds one verified
    identity: at most one unrevoked verification per person and per account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verifications"
    )
    identity_hash = models.CharField(max_length=64)
    birth_date = models.DateField(_("date of birth"))
    unit = models.ForeignKey("territory.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    method = models.CharField(_("method"), max_length=16, choices=VerificationMethod.choices)
    census = models.ForeignKey(CensusList, null=True, blank=True, on_delete=models.PROTECT)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified"))
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.CheckConstraint(
                name="verification_method_known",
                condition=models.Q(method__in=VerificationMethod.values),
            ),
            models.CheckConstraint(
                name="verification_expires_after",
                condition=models.Q(expires_at__gt=models.F("verified_at")),
            ),
            models.CheckConstraint(
                name="verification_census_named",
                condition=~models.Q(method="census") | models.Q(census__isnull=False),
            ),
            models.UniqueConstraint(
                "identity_hash",
                condition=models.Q(revoked_at__isnull=True),
                name="verification_one_per_person",
            ),
            models.UniqueConstraint(
                "user",
                condition=models.Q(revoked_at__isnull=True),
                name="verification_one_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.unit}"
