from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.codes import unique_code


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CodedModel(TimeStampedModel):
    """A model with a public code. Subclasses set CODE_PREFIX; the code is made on first save."""

    CODE_PREFIX = ""
    CODE_LENGTH = 8

    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = unique_code(type(self), self.CODE_PREFIX, self.CODE_LENGTH)
        super().save(*args, **kwargs)
