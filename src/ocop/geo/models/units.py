from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold
from ocop.geo.enums import UnitKind, UnitLevel


class AdministrativeUnitQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> AdministrativeUnitQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def current(self) -> AdministrativeUnitQuerySet:
        return self.filter(valid_to__isnull=True)

    def communes(self) -> AdministrativeUnitQuerySet:
        return self.filter(level=UnitLevel.COMMUNE)


class AdministrativeUnit(models.Model):
    """A province, district or commune as it stood between valid_from and valid_to.

    Official codes are reused across reforms (the new Phường Ba Đình has the code 00004 that the
    old Phường Trúc Bạch had), so a unit is identified by `key`: level letter + code, with the
    last valid day appended once the unit has ended, e.g. `c00004` (current) and
    `c00004~20250630` (ended).
    """

    key = models.CharField(_("key"), max_length=40, unique=True)
    code = models.CharField(_("official code"), max_length=10, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province the unit belongs to (itself for a province)."),
    )
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty when not known.")
    )
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day; empty while current.")
    )
    confirmed = models.BooleanField(
        _("confirmed"), default=True, help_text=_("False where the source could not be confirmed.")
    )
    note = models.TextField(_("note"), blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code", "-valid_from"]
        indexes = [models.Index(fields=["level", "valid_to"], name="geo_level_valid_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @staticmethod
    def make_key(level: str, code: str, valid_to: dt.date | None) -> str:
        letter = {"province": "p", "district": "d", "commune": "c"}[level]
        return f"{letter}{code}" if valid_to is None else f"{letter}{code}~{valid_to:%Y%m%d}"


class UnitSuccession(models.Model):
    """An ended unit's area went (wholly or in part) into a new unit."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    partial = models.BooleanField(
        _("partial"), default=False, help_text=_("Only part of the area moved.")
    )
    effective_on = models.DateField(_("effective on"))
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="geo_succession_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class GazetteerImport(models.Model):
    """One import of a gazetteer file: what came in, from where, and its sources."""

    province_code = models.CharField(_("province code"), max_length=10)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    reform_date = models.DateField(
        _("reform date"), null=True, blank=True, help_text=_("The first day of the new units.")
    )
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)
    counts = models.JSONField(
        _("counts"),
        default=dict,
        help_text=_("What the file holds, what the import changed, and any warnings."),
    )
    sources = models.JSONField(
        _("sources"), default=list, help_text=_("The file's source notes and caveats.")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("gazetteer import")
        verbose_name_plural = _("gazetteer imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.province_code} {self.file_name}"

    def _unit_changes(self, what: str) -> int:
        changes = self.counts.get("changes", {})
        return sum(
            changes.get(group, {}).get(what, 0)
            for group in ("province", "districts", "old_communes", "new_communes")
        )

    @property
    def units_created(self) -> int:
        return self._unit_changes("created")

    @property
    def units_updated(self) -> int:
        return self._unit_changes("updated")

    @property
    def links_changed(self) -> int:
        links = self.counts.get("changes", {}).get("successions", {})
        return sum(links.get(what, 0) for what in ("created", "updated", "deleted"))
