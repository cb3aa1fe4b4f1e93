"""The article services: create (a draft, an address folded from the title, unique, never a page
of /tin-tuc/), the fields of each kind (a call's deadline, a result's year), update, and the one
transition (draft -> published -> withdrawn -> published or draft); only the office; bad input
refused by field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ocop.catalog.enums import ArticleKind, ArticleStatus
from ocop.catalog.services.news import (
    change_article_status,
    create_article,
    unique_slug,
    update_article,
)
from ocop.core.models import ActivityLog
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from tests.factories.news import ArticleFactory, article_data, news_round

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def fields_of(exc: pytest.ExceptionInfo) -> set[str]:
    return set(exc.value.message_dict)


def test_a_new_article_is_a_draft_with_a_folded_address(cast):
    article = create_article(
        actor=cast.office,
        data=article_data(title="  Đường phèn Quảng Ngãi & Bánh chưng: tin mới! "),
    )
    assert (article.status, article.published_at, article.author) == ("draft", None, cast.office)
    assert article.title == "Đường phèn Quảng Ngãi & Bánh chưng: tin mới!"
    assert article.slug == "duong-phen-quang-ngai-banh-chung-tin-moi"
    assert article.code.startswith("TT")
    assert ActivityLog.objects.filter(action="catalog.article.create").count() == 1


def test_addresses_are_unique_and_never_a_page_of_the_news():
    ArticleFactory(slug="thong-bao")
    assert unique_slug("Thông báo") == "thong-bao-2"
    assert unique_slug("Quản lý") == "quan-ly-2"
    assert unique_slug("RSS") == "rss-2"
    assert unique_slug("🌾🌾") == "bai-viet"
    assert unique_slug("مرحبا بالعالم") == "bai-viet"
    assert len(unique_slug("ă" * 10_000)) <= 120


def test_emoji_and_right_to_left_titles_are_kept(cast):
    article = create_article(actor=cast.office, data=article_data(title="Tết 🌸 سوق OCOP"))
    assert article.title == "Tết 🌸 سوق OCOP"
    assert article.slug == "tet-ocop"


def test_the_text_keeps_its_paragraphs_and_loses_control_characters(cast):
    body = "Đoạn một.\r\nDòng hai.\r\n\r\nĐoạn hai.\x00\x07\x1b <b>không phải HTML</b>\ufffe"
    article = create_article(actor=cast.office, data=article_data(body=body))
    assert article.body == "Đoạn một.\nDòng hai.\n\nĐoạn hai. <b>không phải HTML</b>"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"title": "x" * 10_000}, {"title"}),
        ({"title": "   "}, {"title"}),
        ({"body": ""}, {"body"}),
        ({"summary": "s" * 501}, {"summary"}),
        ({"kind": "gossip"}, {"kind"}),
        ({"kind": "call"}, {"deadline"}),
        ({"kind": "call", "deadline": "31/02/2027"}, {"deadline"}),
        ({"kind": "result"}, {"results_year"}),
        ({"kind": "result", "results_year": 1999}, {"results_year"}),
        ({"kind": "result", "results_year": "năm nay"}, {"results_year"}),
        ({"kind": "call", "deadline": dt.date(2027, 3, 1), "round": "DGNOTHERE"}, {"round"}),
    ],
)
def test_bad_input_is_refused(cast, fields, bad):
    with pytest.raises(ValidationError) as exc:
        create_article(actor=cast.office, data=article_data(**fields))
    assert fields_of(exc) == bad


def test_a_call_takes_its_round_deadline_when_none_is_typed(cast):
    round_ = news_round(proposal_deadline=dt.date(2027, 4, 30))
    article = create_article(
        actor=cast.office, data=article_data(kind=ArticleKind.CALL, round=round_.code)
    )
    assert (article.deadline, article.round) == (dt.date(2027, 4, 30), round_)


def test_fields_that_do_not_belong_to_the_kind_are_emptied(cast):
    article = create_article(
        actor=cast.office,
        data=article_data(kind=ArticleKind.NEWS, deadline=dt.date(2027, 1, 1), results_year=2026),
    )
    assert (article.deadline, article.results_year, article.round) == (None, None, None)
    result = create_article(
        actor=cast.office, data=article_data(kind=ArticleKind.RESULT, results_year="2026")
    )
    assert result.results_year == 2026


@pytest.mark.parametrize("name", ["commune", "producer1", "buyer", "chair", "approver", "outsider"])
def test_only_the_office_writes(cast, name):
    actor = getattr(cast, name)
    with pytest.raises(NotAllowed):
        create_article(actor=actor, data=article_data())
    article = ArticleFactory(status=ArticleStatus.DRAFT, published_at=None)
    with pytest.raises(NotAllowed):
        update_article(actor=actor, article=article, data={"title": "Khác"})
    with pytest.raises(NotAllowed):
        change_article_status(actor=actor, article=article, to=ArticleStatus.PUBLISHED)


def test_the_life_of_an_article(cast):
    article = create_article(actor=cast.admin, data=article_data(title="Bản nháp"))
    update_article(actor=cast.office, article=article, data={"title": "Tin chính thức"})
    article.refresh_from_db()
    assert article.slug == "tin-chinh-thuc"  # a draft's address follows its title
    change_article_status(actor=cast.office, article=article, to=ArticleStatus.PUBLISHED)
    first = article.published_at
    assert article.status == "published" and first is not None
    update_article(actor=cast.office, article=article, data={"title": "Tin đã sửa"})
    article.refresh_from_db()
    assert (article.title, article.slug) == ("Tin đã sửa", "tin-chinh-thuc")  # fixed once published
    with pytest.raises(WrongState):
        change_article_status(actor=cast.office, article=article, to=ArticleStatus.DRAFT)
    change_article_status(actor=cast.office, article=article, to=ArticleStatus.WITHDRAWN)
    change_article_status(actor=cast.office, article=article, to=ArticleStatus.PUBLISHED)
    assert article.published_at == first
    change_article_status(actor=cast.office, article=article, to=ArticleStatus.WITHDRAWN)
    change_article_status(actor=cast.office, article=article, to=ArticleStatus.DRAFT)
    with pytest.raises(WrongState):
        change_article_status(actor=cast.office, article=article, to="archived")
    actions = list(
        ActivityLog.objects.filter(object_id=str(article.pk), action__startswith="catalog.article")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "catalog.article.create",
        "catalog.article.update",
        "catalog.article.publish",
        "catalog.article.update",
        "catalog.article.withdraw",
        "catalog.article.publish",
        "catalog.article.withdraw",
        "catalog.article.redraft",
    ]


def test_an_update_of_the_text_alone_is_logged_without_the_text(cast):
    article = create_article(actor=cast.office, data=article_data())
    update_article(actor=cast.office, article=article, data={"body": "Văn bản mới."})
    entry = ActivityLog.objects.get(action="catalog.article.update")
    assert entry.data == {"old": {}, "new": {}, "text_changed": True}
    update_article(actor=cast.office, article=article, data={"body": "Văn bản mới."})
    assert ActivityLog.objects.filter(action="catalog.article.update").count() == 1
