from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    """A public holiday (or a compensating day off): not a working day for deadlines."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
