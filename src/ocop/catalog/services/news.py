"""News and announcements of the portal: every write, by the provincial OCOP office (or the
administrator).

Three kinds (`ArticleKind`): a news item; a call for an evaluation round, with its deadline for
dossiers (required; optionally linked to a round, whose deadline it takes when none is typed);
a result announcement, with the year of the results (required), linked to the public results of
that year.

The text is plain text: no HTML from users. It is stored as typed (NFC, without control
characters, which XML feeds cannot carry) and escaped when shown, paragraphs and line breaks
kept. The address (`slug`) is made from the title (Vietnamese folded: "Thông báo" ->
"thong-bao"), unique, and fixed once the article has been published (feed readers and shared
links keep working); a draft's address follows its title.

`change_article_status` is the one transition (`ARTICLE_TRANSITIONS`): draft -> published ->
withdrawn -> published again or back to draft.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.catalog.enums import ARTICLE_TRANSITIONS, ArticleKind, ArticleStatus
from ocop.catalog.models import Article
from ocop.catalog.queries.news import can_manage_news
from ocop.core.services.activity import diff, log_action, snapshot
from ocop.core.text import fold, nfc
from ocop.evaluation.models import Round
from ocop.evaluation.services.refusals import NotAllowed, WrongState

ARTICLE_FIELDS = ("kind", "title", "summary", "body", "deadline", "results_year", "round")
LOGGED_FIELDS = ("kind", "title", "slug", "summary", "deadline", "results_year", "round")
TITLE_MAX = 255
SUMMARY_MAX = 500
BODY_MAX = 50_000
SLUG_MAX = 120
FIRST_RESULTS_YEAR = 2018  # the national OCOP programme (QĐ 490/QĐ-TTg of 07/5/2018)
# Addresses under /tin-tuc/ that are pages, not articles.
RESERVED_SLUGS = frozenset({"quan-ly", "rss", "atom"})
FALLBACK_SLUG = "bai-viet"
NOT_IN_XML = frozenset("\ufffe\uffff")  # besides the control characters
# The last part of the activity-log action of each move of change_article_status.
STATUS_VERBS: dict[str, str] = {
    ArticleStatus.PUBLISHED: "publish",
    ArticleStatus.WITHDRAWN: "withdraw",
    ArticleStatus.DRAFT: "redraft",
}


def plain_text(value: Any, *, multiline: bool) -> str:
    """NFC text without control characters (line breaks kept in a multi-line text, as \\n)."""
    text = nfc(value if isinstance(value, str) else "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "\n\t" if multiline else ""
    cleaned = "".join(
        ch
        for ch in text
        if ch in kept or (unicodedata.category(ch) != "Cc" and ch not in NOT_IN_XML)
    )
    if not multiline:
        cleaned = " ".join(cleaned.split())
    return cleaned.strip()


def _limited(name: str, text: str, limit: int, errors: dict[str, Any]) -> str:
    if len(text) > limit:
        errors[name] = ValidationError(
            _("Enter at most %(max)d characters."), code="max_length", params={"max": limit}
        )
    return text


def _round(value: Any) -> Round | None:
    if value in (None, ""):
        return None
    found = value if isinstance(value, Round) else Round.objects.filter(code=str(value)).first()
    if found is None:
        raise ValidationError(_("Choose an evaluation round."), code="round")
    return found


def _day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_("Enter a valid date."), code="invalid_date") from None


def _year(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ValidationError(_("Enter a year."), code="invalid") from None
    last = timezone.localdate().year + 1
    if not FIRST_RESULTS_YEAR <= year <= last:
        raise ValidationError(
            _("Enter a year between %(first)d and %(last)d."),
            code="range",
            params={"first": FIRST_RESULTS_YEAR, "last": last},
        )
    return year


def clean_article_data(data: Mapping[str, Any], article: Article | None = None) -> dict[str, Any]:
    """Every field, checked; missing keys keep the article's values. A call needs its deadline
    (or a round that has one), a result announcement its year; fields that do not belong to the
    kind are emptied."""

    def given(name: str) -> Any:
        if name in data:
            return data[name]
        return getattr(article, name) if article is not None else None

    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    kind = given("kind")
    if kind not in ArticleKind.values:
        errors["kind"] = ValidationError(_("Choose the kind of article."), code="kind")
    values["kind"] = kind
    values["title"] = _limited(
        "title", plain_text(given("title"), multiline=False), TITLE_MAX, errors
    )
    values["summary"] = _limited(
        "summary", plain_text(given("summary"), multiline=False), SUMMARY_MAX, errors
    )
    values["body"] = _limited("body", plain_text(given("body"), multiline=True), BODY_MAX, errors)
    for name in ("title", "body"):
        if name not in errors and not values[name]:
            errors[name] = ValidationError(_("This field is required."), code="required")
    for name, reader in (("deadline", _day), ("results_year", _year), ("round", _round)):
        try:
            values[name] = reader(given(name))
        except ValidationError as exc:
            errors[name] = exc
    if kind == ArticleKind.CALL:
        found = values.get("round")
        if values.get("deadline") is None and found is not None and "deadline" not in errors:
            values["deadline"] = found.proposal_deadline
        if values.get("deadline") is None and "deadline" not in errors:
            errors["deadline"] = ValidationError(
                _("A call for an evaluation round needs its deadline."), code="required"
            )
    else:
        values["deadline"] = None
        values["round"] = None
        errors.pop("deadline", None)
        errors.pop("round", None)
    if kind == ArticleKind.RESULT:
        if values.get("results_year") is None and "results_year" not in errors:
            errors["results_year"] = ValidationError(
                _("A result announcement needs the year of the results."), code="required"
            )
    else:
        values["results_year"] = None
        errors.pop("results_year", None)
    if errors:
        raise ValidationError(errors)
    return values


def unique_slug(title: str, *, exclude: Article | None = None) -> str:
    """The address of an article: its title folded ("Đợt 1" -> "dot-1"), unique, never one of
    the pages under /tin-tuc/ ("quan-ly"); "bai-viet" when nothing of the title is left (a title
    in emoji or in a script without Latin letters)."""
    base = slugify(fold(title))[: SLUG_MAX - 6].strip("-") or FALLBACK_SLUG
    taken = Article.objects.all()
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    candidate, number = base, 1
    while candidate in RESERVED_SLUGS or taken.filter(slug=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _require_office(actor: Any) -> None:
    if not can_manage_news(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office writes news and announcements."))


@transaction.atomic
def create_article(*, actor: Any, data: Mapping[str, Any]) -> Article:
    """A new article, as a draft."""
    _require_office(actor)
    values = clean_article_data(data)
    article = Article.objects.create(
        **values,
        slug=unique_slug(values["title"]),
        status=ArticleStatus.DRAFT,
        author=actor,
    )
    log_action(actor, "catalog.article.create", article, new=snapshot(article, LOGGED_FIELDS))
    return article


@transaction.atomic
def update_article(*, actor: Any, article: Article, data: Mapping[str, Any]) -> Article:
    """Change an article (any status: a published one is corrected in place). A draft that was
    never published takes a new address when its title changes."""
    _require_office(actor)
    locked = Article.objects.select_for_update().get(pk=article.pk)
    values = clean_article_data(data, locked)
    old = snapshot(locked, LOGGED_FIELDS)
    old_body = locked.body
    for name, value in values.items():
        setattr(locked, name, value)
    if locked.published_at is None and old["title"] != locked.title:
        locked.slug = unique_slug(locked.title, exclude=locked)
    locked.save()
    before, after = diff(old, snapshot(locked, LOGGED_FIELDS))
    body_changed = old_body != locked.body
    if after or body_changed:
        log_action(
            actor,
            "catalog.article.update",
            locked,
            old=before,
            new=after,
            data={"text_changed": True} if body_changed else None,
        )
    return locked


@transaction.atomic
def change_article_status(*, actor: Any, article: Article, to: str) -> Article:
    """The one way an article's status changes (`ARTICLE_TRANSITIONS`). Published, it shows on
    the news pages, the feeds, the API and the home page (`published_at` is the first
    publication); withdrawn or back to draft, it leaves them at once."""
    _require_office(actor)
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if to not in ARTICLE_TRANSITIONS.get(locked.status, frozenset()):
        raise WrongState(
            _("The article is %(status)s: this cannot be done now.")
            % {"status": locked.get_status_display()}
        )
    old_status = locked.status
    locked.status = to
    fields = ["status", "updated_at"]
    if to == ArticleStatus.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
        fields.append("published_at")
    locked.save(update_fields=fields)
    log_action(
        actor,
        f"catalog.article.{STATUS_VERBS[to]}",
        locked,
        old={"status": old_status},
        new={"status": to},
    )
    article.status, article.published_at = locked.status, locked.published_at
    return locked
