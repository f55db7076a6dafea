"""People, posts and mandates (Popolo: persons, posts, memberships), parties, and term rules."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from esep.core.i18n import pick

from .units import Body


class Party(models.Model):
    """A political party on whose behalf a person holds a mandate."""

    name_kk = models.CharField(_("name in Kazakh"), max_length=200)
    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    abbreviation = models.CharField(_("short name"), max_length=40, unique=True)
    colour = models.CharField(_("colour"), max_length=7, default="#777777")

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["abbreviation"]
        constraints = [
            models.CheckConstraint(
                name="party_colour_hex", condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$")
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class Person(models.Model):
    """A person who holds or held a post. Names are written as in identity documents (Cyrillic)
    with a Latin transliteration; `search_key` folds all spellings for search."""

    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    name_latin = models.CharField(_("name in Latin letters"), max_length=300)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    source = models.CharField(_("source"), max_length=1000, blank=True)
    search_key = models.TextField(editable=False, default="")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            models.CheckConstraint(
                name="person_birth_year_plausible",
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return " ".join(filter(None, [self.family_name, self.given_name, self.patronymic]))

    def ledger_record(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "family_name": self.family_name,
            "given_name": self.given_name,
            "patronymic": self.patronymic,
            "name_latin": self.name_latin,
            "birth_year": self.birth_year,
            "demo": self.is_demo,
            "source": self.source,
        }


class PostKind(models.TextChoices):
    AKIM = "akim", _("Akim")
    DEPUTY_AKIM = "deputy_akim", _("Deputy akim")
    MASLIKHAT_CHAIR = "maslikhat_chair", _("Chair of the maslikhat")
    DISTRICT_DEPUTY = "district_deputy", _("Deputy for a single-member district")
    LIST_DEPUTY = "list_deputy", _("Deputy elected on a party list")
    COMMISSION_CHAIR = "commission_chair", _("Chair of the commission")
    COMMISSION_MEMBER = "commission_member", _("Member of the commission")


# Which posts each kind of body has.
POST_KINDS_OF_BODY: dict[str, tuple[str, ...]] = {
    "akimat": (PostKind.AKIM, PostKind.DEPUTY_AKIM),
    "maslikhat": (PostKind.MASLIKHAT_CHAIR, PostKind.DISTRICT_DEPUTY, PostKind.LIST_DEPUTY),
    "audit_commission": (PostKind.COMMISSION_CHAIR, PostKind.COMMISSION_MEMBER),
    "election_commission": (PostKind.COMMISSION_CHAIR, PostKind.COMMISSION_MEMBER),
    "community_meeting": (PostKind.COMMISSION_CHAIR, PostKind.COMMISSION_MEMBER),
}
DEPUTY_KINDS = (PostKind.DISTRICT_DEPUTY, PostKind.LIST_DEPUTY)


class Post(models.Model):
    """A position in a body that one person holds at a time: the akim of a unit, deputy akim
    number 2, the deputy for single-member district 7, party-list seat 3, …"""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PostKind.choices)
    number = models.PositiveSmallIntegerField(
        _("number"), default=1, help_text=_("District, seat or position number within the body.")
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["body", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "kind", "number"], name="post_unique_in_body"),
            models.CheckConstraint(name="post_kind_known", condition=Q(kind__in=PostKind.values)),
            models.CheckConstraint(name="post_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from esep.territory.labels import post_label

        return post_label(self)

    @property
    def unit(self):  # noqa: ANN201 - the body's unit, for scope checks
        return self.body.unit

    def ledger_record(self) -> dict[str, Any]:
        return {"id": self.pk, "body": self.body_id, "kind": self.kind, "number": self.number}


class MandateBasis(models.TextChoices):
    APPOINTED = "appointed", _("Appointed")
    ELECTED_INDIRECT = "elected_indirect", _("Elected by maslikhat deputies")
    ELECTED_DIRECT = "elected_direct", _("Elected directly by residents")
    ACTING = "acting", _("Acting")


ELECTED = (MandateBasis.ELECTED_DIRECT, MandateBasis.ELECTED_INDIRECT)
APPOINTED = (MandateBasis.APPOINTED, MandateBasis.ACTING)


def allowed_bases(post_kind: str, unit_kind: str) -> tuple[str, ...]:
    """How a post of this kind in a unit of this kind can be obtained in Kazakhstan's law:
    oblast and republican-city akims and akims of districts in a city are appointed; akims of
    districts and regional cities are appointed or (since 2021) elected directly; akims of the
    fourth level were appointed, elected by maslikhat deputies (2013) and directly (2021);
    deputies are elected; the maslikhat chair is elected by the deputies; commission members are
    elected by the maslikhat or appointed. Anyone may be acting while a post is vacant."""
    if post_kind == PostKind.AKIM:
        if unit_kind in ("oblast", "republican_city", "city_district", "republic"):
            return APPOINTED
        if unit_kind in ("district", "regional_city"):
            return (*APPOINTED, MandateBasis.ELECTED_DIRECT)
        return (*APPOINTED, *ELECTED)
    if post_kind == PostKind.DEPUTY_AKIM:
        return APPOINTED
    if post_kind == PostKind.MASLIKHAT_CHAIR:
        return (MandateBasis.ELECTED_INDIRECT, MandateBasis.ACTING)
    if post_kind in (PostKind.DISTRICT_DEPUTY, PostKind.LIST_DEPUTY):
        return (MandateBasis.ELECTED_DIRECT,)
    return (MandateBasis.ELECTED_INDIRECT, *APPOINTED)


class MandateEndReason(models.TextChoices):
    TERM_EXPIRED = "term_expired", _("Term expired")
    RESIGNED = "resigned", _("Resigned")
    DISMISSED = "dismissed", _("Dismissed")
    MOVED = "moved", _("Moved to another post")
    DIED = "died", _("Died")
    RECALLED = "recalled", _("Recalled")
    REPLACED = "replaced", _("Replaced by an appointed or elected holder")
    UNIT_CHANGED = "unit_changed", _("Unit abolished or reorganised")


class Mandate(models.Model):
    """A person holds a post from `start` to `end` (null: in office), on a basis.

    `term_ends` is when an elected term runs out (start + the post kind's term length); `end` is
    when the mandate actually ended. A post has at most one open mandate (database constraint);
    the action also refuses mandates whose dates overlap another on the same post."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="mandates"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="mandates"
    )
    basis = models.CharField(_("basis"), max_length=20, choices=MandateBasis.choices)
    appointed_by = models.ForeignKey(
        Body,
        verbose_name=_("appointed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    appointed_by_note = models.CharField(_("appointing authority"), max_length=300, blank=True)
    party = models.ForeignKey(
        Party,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for the end"), max_length=16, choices=MandateEndReason.choices, blank=True
    )
    term_ends = models.DateField(_("term ends"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    source = models.CharField(_("source"), max_length=1000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["-start", "id"]
        indexes = [
            models.Index(
                fields=["term_ends"], condition=Q(end__isnull=True), name="mandate_open_term_ends"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(end__isnull=True), name="mandate_one_holder_per_post"
            ),
            models.CheckConstraint(
                name="mandate_end_not_before_start",
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
            ),
            models.CheckConstraint(
                name="mandate_basis_known", condition=Q(basis__in=MandateBasis.values)
            ),
            models.CheckConstraint(
                name="mandate_end_reason_known",
                condition=Q(end_reason="") | Q(end_reason__in=MandateEndReason.values),
            ),
            models.CheckConstraint(
                name="mandate_end_reason_with_end",
                condition=Q(end__isnull=True, end_reason="")
                | Q(end__isnull=False) & ~Q(end_reason=""),
            ),
            models.CheckConstraint(
                name="mandate_appointer_only_when_appointed",
                condition=Q(basis__in=["appointed", "acting"])
                | Q(appointed_by__isnull=True, appointed_by_note=""),
            ),
            models.CheckConstraint(
                name="mandate_term_ends_after_start",
                condition=Q(term_ends__isnull=True) | Q(term_ends__gt=F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.post}"

    @property
    def is_current(self) -> bool:
        return self.end is None

    def ledger_record(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "person": self.person_id,
            "post": self.post_id,
            "basis": self.basis,
            "appointed_by": self.appointed_by_id,
            "appointed_by_note": self.appointed_by_note,
            "party": self.party_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "end_reason": self.end_reason,
            "term_ends": self.term_ends.isoformat() if self.term_ends else None,
            "demo": self.is_demo,
            "source": self.source,
        }


class TermRule(models.Model):
    """Term length and term limit for elected holders of a kind of post. Appointed and acting
    holders serve until replaced, so they have no term end."""

    post_kind = models.CharField(
        _("kind of post"), max_length=20, choices=PostKind.choices, unique=True
    )
    term_years = models.PositiveSmallIntegerField(_("term in years"))
    max_consecutive_terms = models.PositiveSmallIntegerField(
        _("most consecutive terms"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("term rule")
        verbose_name_plural = _("term rules")
        constraints = [
            models.CheckConstraint(
                name="term_rule_years_positive", condition=Q(term_years__gte=1, term_years__lte=10)
            ),
            models.CheckConstraint(
                name="term_rule_limit_positive",
                condition=Q(max_consecutive_terms__isnull=True) | Q(max_consecutive_terms__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_kind}: {self.term_years}"
