from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.catalog.enums import ArticleKind, ArticleStatus
from ocop.core.models import CodedModel


class Article(CodedModel):
    """News and announcements of the programme's portal (tin tức, thông báo): an article, a call
    for an evaluation round (with its deadline), or a result announcement (linked to the public
    results of a year). Written by the provincial office; status only through
    `change_article_status`."""

    CODE_PREFIX = "TT"

    kind = models.CharField(_("kind"), max_length=10, choices=ArticleKind.choices)
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("text"))
    deadline = models.DateField(_("deadline for dossiers"), null=True, blank=True)
    results_year = models.PositiveSmallIntegerField(_("results of the year"), null=True, blank=True)
    round = models.ForeignKey(
        "evaluation.Round",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("evaluation round"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title
