"""The public product page `/san-pham-ocop/<code>/`: anyone may read a listed product (photos,
story, stars, the certificate in force with its verification link, the producer, where to buy,
store links, the trace link, the producer's other products); anything not listed is 404 — a
product without a certificate, archived, revoked (at once), expired, of a producer not approved,
or unknown. The same number of queries for one or many photos, points, links and products."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ocop.catalog.services.index import refresh_product
from ocop.certificates.enums import CertificateStatus
from ocop.certificates.models import Certificate
from ocop.certificates.services.revocations import decide_revocation, propose_revocation
from ocop.producers.enums import ProducerStatus
from ocop.producers.services.producers import change_producer_status
from ocop.products.enums import ProductStatus
from ocop.products.services.products import change_product_status
from ocop.traceability.identifiers import check_digit
from ocop.trade.enums import PointOfSaleStatus, StorePlatform
from tests.factories.catalog import listed_product
from tests.factories.certificates import CertificateFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory, ProductPhotoFactory

from .pages_setup import point_of_sale, store_link, text_of

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def url(product) -> str:
    return reverse("catalog:product", kwargs={"code": product.code})


def get(product_or_url, *, english: bool = True, status: int = 200):
    client = Client()
    if english:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    target = product_or_url if isinstance(product_or_url, str) else url(product_or_url)
    response = client.get(target)
    assert response.status_code == status
    return response


def gtin13(body12: str) -> str:
    return body12 + check_digit(body12)


def points_detail_exists() -> bool:
    try:
        reverse("points:detail", args=["DB00000000"])
    except NoReverseMatch:
        return False
    return True


@pytest.fixture
def tea(cast):
    """A listed 4★ product of producer2 with a photo."""
    return listed_product(
        producer=cast.prod2,
        name="Trà ướp sen Tây Hồ",
        description="Chè Thái Nguyên ướp sen.\n\nMỗi cân chè cần 1.000 bông sen Bách Diệp.",
        photo=True,
    )


# --- what the page shows ----------------------------------------------------------------------


def test_anyone_reads_a_listed_product(tea):
    producer = tea.producer
    producer.phone = "0912 345 678"
    producer.email = "lienhe@trasen.vn"
    producer.website = "https://trasen.vn"
    producer.save()
    certificate = tea.certificate
    response = get(tea.product)
    text = text_of(response)
    assert "Trà ướp sen Tây Hồ" in text
    # The story: escaped plain text, its paragraphs kept.
    content = response.content.decode()
    assert "<p>Chè Thái Nguyên ướp sen.</p>" in content
    assert "<p>Mỗi cân chè cần 1.000 bông sen Bách Diệp.</p>" in content
    # The certificate in force: number, decision and date, valid until, state, verification.
    assert certificate.number in text
    assert f"Decision {certificate.decision_number} of {certificate.decided_on:%d/%m/%Y}" in text
    assert f"Valid until {certificate.valid_until:%d/%m/%Y}" in text
    assert "Valid " in text
    verify = reverse("verify:verify_vi", kwargs={"code": certificate.verification_code})
    assert f'href="{verify}"' in content
    # The producer: link, kind, commune, address, contacts.
    assert f'href="{reverse("catalog:producer", args=[producer.code])}"' in content
    assert producer.get_kind_display() in text or producer.get_kind_display().capitalize() in text
    assert producer.commune.name in text and producer.address in text
    assert 'href="tel:0912345678"' in content and "lienhe@trasen.vn" in text
    assert 'href="https://trasen.vn" rel="nofollow noopener" target="_blank"' in content
    # The photo, served by the public photo view, with its caption.
    photo = tea.product.photos.get()
    assert reverse("catalog:photo", args=[tea.product.code, photo.file.code]) in content
    assert photo.caption in text


def test_the_stars_read_4_sao_in_vietnamese(tea):
    response = get(tea.product, english=False)
    assert 'aria-label="4 sao"' in response.content.decode()


def test_the_story_is_escaped(cast):
    entry = listed_product(producer=cast.prod1, description="<b>Đậm</b> & <script>x()</script>")
    content = get(entry.product).content.decode()
    assert "&lt;b&gt;Đậm&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;" in content
    assert "<b>Đậm</b>" not in content


def test_a_certificate_close_to_its_expiry_reads_expiring(cast):
    expires = today() + dt.timedelta(days=30)
    entry = listed_product(
        producer=cast.prod1, decided_on=expires - dt.timedelta(days=1095), expires_on=expires
    )
    text = text_of(get(entry.product))
    assert "Valid, expiring soon" in text
    assert "30 days left" in text  # as the verification page counts them


def test_no_page_shows_a_certificate_that_is_not_in_force(cast):
    """The product holds an old expired certificate and a valid one: only the valid one."""
    entry = listed_product(producer=cast.prod1)
    old = CertificateFactory(
        product=entry.product,
        decided_on=dt.date(2019, 12, 10),
        expires_on=dt.date(2022, 12, 10),
        status=CertificateStatus.EXPIRED,
    )
    text = text_of(get(entry.product))
    assert entry.certificate.number in text
    assert old.number not in text


# --- 404 for everything not listed -------------------------------------------------------------


def test_unknown_and_unlisted_products_are_404(cast):
    get(url(cast.product1), status=404)  # no certificate
    get(reverse("catalog:product", args=["SP0000000"]), status=404)
    get(reverse("catalog:product", args=["<script>"]), status=404)


def test_a_revoked_certificate_takes_the_page_away_at_once(cast, tea):
    certificate = Certificate.objects.get(pk=tea.certificate.pk)
    revocation = propose_revocation(
        actor=cast.office,
        certificate=certificate,
        ground="food_safety_law",
        basis="Kết luận kiểm tra số 1/KL-ATTP",
        concluded_on=today(),
    )
    get(tea.product)  # proposed only: still listed
    decide_revocation(
        actor=cast.approver, revocation=revocation, decision_number="9/QĐ-UBND", decided_on=today()
    )
    # No refresh of the index has run (the signal waits for a commit): still 404 at once.
    get(tea.product, status=404)
    photo = tea.product.photos.get()
    get(reverse("catalog:photo", args=[tea.product.code, photo.file.code]), status=404)


def test_an_expired_certificate_is_404_even_before_any_write(tea):
    get(tea.product)
    Certificate.objects.filter(pk=tea.certificate.pk).update(expires_on=today())
    get(tea.product, status=404)


def test_an_archived_product_is_404(cast, tea, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        change_product_status(actor=cast.office, product=tea.product, to=ProductStatus.ARCHIVED)
    get(tea.product, status=404)  # the row is still there: the page checks the status too
    refresh_product(tea.product.pk)
    get(tea.product, status=404)


def test_a_suspended_producer_takes_its_products_away(cast, tea):
    change_producer_status(
        actor=cast.office, producer=tea.producer, to=ProducerStatus.SUSPENDED, reason="Kiểm tra"
    )
    get(tea.product, status=404)
    get(reverse("catalog:producer", args=[tea.producer.code]), status=404)


def test_a_product_of_a_pending_producer_is_404(db):
    producer = ProducerFactory(status=ProducerStatus.PENDING)
    product = ProductFactory(producer=producer)
    CertificateFactory(product=product, expires_on=today() + dt.timedelta(days=900))
    assert refresh_product(product.pk) is None
    get(product, status=404)


def test_only_get_and_head(tea):
    assert Client().post(url(tea.product)).status_code == 405
    assert Client().head(url(tea.product)).status_code == 200


# --- where to buy -----------------------------------------------------------------------------


def test_where_to_buy_lists_the_open_points_carrying_it_by_commune(cast, tea):
    here = point_of_sale(tea.product, commune=cast.commune_b, name="Điểm OCOP Tây Hồ")
    there = point_of_sale(
        tea.product,
        commune=cast.commune_a,
        name="Siêu thị Bát Tràng",
        address="Số 1 đường Giang Cao",
        opening_hours="7:30–22:00",
    )
    point_of_sale(tea.product, name="Cửa hàng đã đóng", status=PointOfSaleStatus.CLOSED)
    point_of_sale(tea.product, name="Hội chợ đã qua", ends_on=today() - dt.timedelta(days=1))
    point_of_sale(cast.product1, name="Điểm bán sản phẩm khác")
    response = get(tea.product)
    text = text_of(response)
    assert "Điểm OCOP Tây Hồ" in text and "Siêu thị Bát Tràng" in text
    assert "Số 1 đường Giang Cao" in text and "7:30–22:00" in text
    for absent in ("Cửa hàng đã đóng", "Hội chợ đã qua", "Điểm bán sản phẩm khác"):
        assert absent not in text
    # Grouped by commune, the communes in alphabetical order (Phường Hoàn Kiếm, Xã Bát Tràng).
    assert text.index(cast.commune_b.name + " Điểm OCOP Tây Hồ") < text.index(
        cast.commune_a.name + " Siêu thị Bát Tràng"
    )
    if points_detail_exists():
        content = response.content.decode()
        assert f'href="{reverse("points:detail", args=[here.code])}"' in content
        assert f'href="{reverse("points:detail", args=[there.code])}"' in content


def test_store_links_open_outside_without_passing_rank(tea):
    store_link(tea.product, "https://shopee.vn/tra-sen-tay-ho", position=1)
    store_link(tea.product, "https://tiki.vn/tra-sen", platform=StorePlatform.TIKI, position=0)
    store_link(tea.product, "javascript:alert(1)", platform=StorePlatform.OTHER, position=2)
    response = get(tea.product)
    content = response.content.decode()
    shopee = 'href="https://shopee.vn/tra-sen-tay-ho" rel="nofollow noopener" target="_blank"'
    tiki = 'href="https://tiki.vn/tra-sen" rel="nofollow noopener" target="_blank"'
    assert shopee in content and tiki in content
    assert content.index(tiki) < content.index(shopee)  # by position
    assert "javascript:" not in content
    assert "Shopee" in text_of(response) and "Tiki" in text_of(response)


def test_the_trace_link_is_the_gs1_digital_link_of_the_gtin(cast):
    gtin = gtin13("893456789012")
    entry = listed_product(producer=cast.prod1, gtin=gtin)
    response = get(entry.product)
    assert f'href="/01/0{gtin}"' in response.content.decode()
    assert "Trace the origin" in text_of(response)
    without = listed_product(producer=cast.prod1)
    assert "/01/" not in get(without.product).content.decode()


def test_the_other_products_of_the_producer(cast, tea):
    other = listed_product(producer=cast.prod2, name="Trà sen túi lọc", photo=True)
    unlisted = ProductFactory(producer=cast.prod2, name="Trà chưa chứng nhận")
    elsewhere = listed_product(producer=cast.prod1, name="Bình gốm men lam vẽ tay")
    response = get(tea.product)
    content = response.content.decode()
    text = text_of(response)
    assert "Trà sen túi lọc" in text
    assert f'href="{url(other.product)}"' in content
    assert unlisted.name not in text and elsewhere.name not in text


# --- queries ----------------------------------------------------------------------------------


def _queries(product) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(product)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow(cast):
    one = listed_product(producer=cast.prod1, photo=True, gtin=gtin13("893456789013"))
    point_of_sale(one.product)
    store_link(one.product, "https://shopee.vn/a")
    listed_product(producer=cast.prod1, photo=True)
    few = _queries(one.product)

    many = listed_product(producer=cast.prod2, photo=True, gtin=gtin13("893456789014"))
    for n in range(6):
        ProductPhotoFactory(product=many.product)
        point_of_sale(many.product, commune=cast.commune_a if n % 2 else cast.commune_b)
        store_link(many.product, f"https://shopee.vn/b{n}")
        listed_product(producer=cast.prod2, photo=True)
    assert _queries(many.product) == few
    assert few <= 8


# --- from the product page to the supply–demand board -------------------------------------------


def test_a_buyer_contacts_the_producer_from_the_product_page(tea, client_for):
    from tests.factories.trade import buyer_and_user

    _buyer, user = buyer_and_user()
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(url(tea.product)).content.decode()
    contact = f"{reverse('trade:connect')}?product={tea.product.code}"
    assert f'href="{contact}"' in content
    form = client.get(contact)
    assert form.status_code == 200
    assert form.context["product"] == tea.product


def test_a_visitor_is_invited_to_register_as_a_buyer_and_others_see_neither(tea, cast, client_for):
    contact = reverse("trade:connect")
    anonymous = get(tea.product).content.decode()
    assert f'href="{reverse("trade:register")}"' in anonymous
    assert contact not in anonymous
    producer = client_for(cast.producer1)
    producer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = producer.get(url(tea.product)).content.decode()
    assert contact not in page
    assert reverse("trade:register") not in page
