"""Local budgets: the unified budget classification, budget lines (one long fact table),
transfers between budgets, the datasets they came from, and the per unit-year sums that
indicators are computed from.

Money is stored as whole tiyn (1 tenge = 100 tiyn) in 64-bit integers: exact on SQLite and
PostgreSQL alike, and summed exactly by both."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from esep.core.i18n import pick
from esep.territory.models import Unit

TIYN = 100
FIRST_YEAR = 1991
LAST_YEAR = 2100
# The fourth budget level (rural districts, villages, cities of district significance) has
# budgets of its own since 1 January 2020 (Budget Code, art. 3, as amended in 2017).
FOURTH_LEVEL_SINCE = 2020


def tenge(tiyn: int | None) -> Decimal | None:
    return None if tiyn is None else Decimal(tiyn) / TIYN


class Direction(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    EXPENDITURE = "expenditure", _("Expenditure")


class Phase(models.TextChoices):
    APPROVED = "approved", _("Approved")
    ADJUSTED = "adjusted", _("Adjusted")
    EXECUTED = "executed", _("Executed")


# Revenue categories and the functional groups with a role in the indicators.
TAX, NON_TAX, CAPITAL, TRANSFERS_IN = 1, 2, 3, 4
DEBT_SERVICE, TRANSFERS_OUT = 14, 15


class Classification(models.Model):
    """One code of the unified budget classification: a revenue category, class or subclass
    (`1`, `1 01`, `1 01 1`), or an expenditure functional group or subgroup (`04`, `04 2`).
    `top` is the number of the category or group the code belongs to."""

    direction = models.CharField(_("direction"), max_length=11, choices=Direction.choices)
    code = models.CharField(_("code"), max_length=16)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    top = models.PositiveSmallIntegerField(_("category or group"))
    name_kk = models.CharField(_("name in Kazakh"), max_length=300)
    name_ru = models.CharField(_("name in Russian"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300)

    class Meta:
        verbose_name = _("budget classification code")
        verbose_name_plural = _("budget classification")
        ordering = ["direction", "code"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "code"], name="classification_unique"),
            models.CheckConstraint(
                name="classification_direction_known",
                condition=Q(direction__in=Direction.values),
            ),
            models.CheckConstraint(
                name="classification_top_in_range",
                condition=Q(direction="revenue", top__gte=1, top__lte=4)
                | Q(direction="expenditure", top__gte=1, top__lte=15),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return pick(self, "name")


class DatasetKind(models.TextChoices):
    BUDGET = "budget", _("Budget lines")
    TRANSFERS = "transfers", _("Transfers")


class Dataset(models.Model):
    """Where figures come from: one imported file, with the document it reproduces."""

    kind = models.CharField(_("kind"), max_length=10, choices=DatasetKind.choices)
    title = models.CharField(_("title"), max_length=300)
    document = models.CharField(_("document number"), max_length=300, blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    file_name = models.CharField(_("file name"), max_length=300)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    lines = models.PositiveIntegerField(_("lines written"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)
    imported_by = models.CharField(_("imported by"), max_length=254)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="dataset_kind_known", condition=Q(kind__in=DatasetKind.values)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def ledger_record(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "kind": self.kind,
            "title": self.title,
            "document": self.document,
            "url": self.url,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "lines": self.lines,
            "demo": self.is_demo,
        }


class BudgetLine(models.Model):
    """One amount of one budget: unit, year, direction, phase and classification code.
    A file replaces whole slices (unit, year, direction, phase); see `BudgetRelease`."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    direction = models.CharField(_("direction"), max_length=11, choices=Direction.choices)
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    classification = models.ForeignKey(Classification, on_delete=models.PROTECT, db_index=False)
    top = models.PositiveSmallIntegerField(_("category or group"))
    amount = models.BigIntegerField(_("amount, tiyn"))
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, db_index=False)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "phase", "direction", "classification"],
                name="budget_line_unique",
            ),
            models.CheckConstraint(
                name="budget_line_amount_not_negative", condition=Q(amount__gte=0)
            ),
            models.CheckConstraint(
                name="budget_line_year_plausible",
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
            ),
            models.CheckConstraint(
                name="budget_line_direction_known", condition=Q(direction__in=Direction.values)
            ),
            models.CheckConstraint(
                name="budget_line_phase_known", condition=Q(phase__in=Phase.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.direction} {self.phase} {self.classification_id}"

    @property
    def amount_tenge(self) -> Decimal:
        return Decimal(self.amount) / TIYN


class BudgetRelease(models.Model):
    """One version of one slice of a budget (unit, year, direction, phase): which dataset it
    came from, how many lines, and a digest of them. A new file with the same lines finds the
    same digest and changes nothing; a correction supersedes the slice, and the old release
    stays as history."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="budget_releases")
    year = models.PositiveSmallIntegerField(_("year"))
    direction = models.CharField(_("direction"), max_length=11, choices=Direction.choices)
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="releases")
    digest = models.CharField(max_length=64)
    lines = models.PositiveIntegerField(_("lines"))
    total = models.BigIntegerField(_("total, tiyn"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("budget release")
        verbose_name_plural = _("budget releases")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "direction", "phase"],
                condition=Q(superseded_at__isnull=True),
                name="budget_release_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.direction} {self.phase}"


class TransferKind(models.TextChoices):
    SUBVENTION = "subvention", _("Subvention")
    WITHDRAWAL = "withdrawal", _("Budget withdrawal")
    TARGETED_CURRENT = "targeted_current", _("Targeted current transfer")
    TARGETED_DEVELOPMENT = "targeted_development", _("Targeted development transfer")
    BUDGET_LOAN = "budget_loan", _("Budget loan")


GENERAL_TRANSFERS = (TransferKind.SUBVENTION, TransferKind.WITHDRAWAL)


class Transfer(models.Model):
    """Money one budget gives another in a year. Subventions and withdrawals (the general
    transfers) are fixed by law for three years: `basis_first_year`–`basis_last_year`."""

    kind = models.CharField(_("kind"), max_length=20, choices=TransferKind.choices)
    giver = models.ForeignKey(
        Unit, verbose_name=_("giver"), on_delete=models.PROTECT, related_name="transfers_given"
    )
    receiver = models.ForeignKey(
        Unit,
        verbose_name=_("receiver"),
        on_delete=models.PROTECT,
        related_name="transfers_received",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.BigIntegerField(_("amount, tiyn"))
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    basis_first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    basis_last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="transfers")

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["year", "giver", "receiver", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["giver", "receiver", "year", "kind"], name="transfer_unique"
            ),
            models.CheckConstraint(name="transfer_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="transfer_between_two_units", condition=~Q(giver=F("receiver"))
            ),
            models.CheckConstraint(
                name="transfer_kind_known", condition=Q(kind__in=TransferKind.values)
            ),
            models.CheckConstraint(
                name="transfer_year_plausible",
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
            ),
            models.CheckConstraint(
                name="transfer_basis_period_covers_year",
                condition=Q(basis_first_year__isnull=True, basis_last_year__isnull=True)
                | Q(
                    basis_first_year__lte=F("year"),
                    basis_last_year__gte=F("year"),
                    basis_last_year__lte=F("basis_first_year") + 2,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind}: {self.giver_id} → {self.receiver_id}"

    @property
    def amount_tenge(self) -> Decimal:
        return Decimal(self.amount) / TIYN


class UnitYear(models.Model):
    """The sums one unit's budget of one year and phase adds up to, rebuilt from budget lines
    and transfers (`esep rebuild-indicators`). `consolidated` rows add up an oblast or
    republican city with every budget below it, net of the transfers between them."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    consolidated = models.BooleanField(_("consolidated"), default=False)
    kind = models.CharField(max_length=20)  # the unit's kind, to compare units of one kind
    tax = models.BigIntegerField(default=0)
    non_tax = models.BigIntegerField(default=0)
    capital = models.BigIntegerField(default=0)
    transfers_in = models.BigIntegerField(default=0)
    expenditure = models.BigIntegerField(default=0)  # all groups except 15
    debt_service = models.BigIntegerField(default=0)  # group 14 (included in `expenditure`)
    transfers_out = models.BigIntegerField(default=0)  # group 15
    subventions = models.BigIntegerField(default=0)  # received (transfers table)
    withdrawals = models.BigIntegerField(default=0)  # paid (transfers table)
    population = models.PositiveBigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "phase", "consolidated"], name="unit_year_unique"
            ),
        ]
        indexes = [models.Index(fields=["year", "phase", "kind"], name="unit_year_by_kind")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.phase}"
