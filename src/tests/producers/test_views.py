import unicodedata

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ocop.accounts.models import User
from ocop.core.models import ActivityLog
from ocop.core.queries.activity import history_for
from ocop.producers.enums import ProducerKind, ProducerStatus
from ocop.producers.models import Producer
from tests.factories.producers import ProducerFactory
from tests.factories.producers import producer_form_data as form_data

pytestmark = pytest.mark.django_db

STAFF = ["admin", "office", "commune", "chair", "member", "approver"]
# Users who must not learn that prod1 exists.
INTRUDERS = ["producer2", "commune2", "buyer", "outsider"]
ACTIONS = ["approve", "reject", "suspend", "reinstate"]


def url(name, producer):
    return reverse(f"producers:{name}", args=[producer.code])


def names(response):
    return [producer.name for producer in response.context["state"].items]


# --- list -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "office", "chair", "member", "approver"])
def test_list_is_open_to_province_wide_staff(cast, client_for, who):
    response = client_for(getattr(cast, who)).get(reverse("producers:list"))
    assert response.status_code == 200
    assert names(response) == ["Công ty Trà Sen", "HTX Gốm Bát Tràng"]


def test_list_of_a_commune_officer_holds_only_their_communes(cast, client_for):
    response = client_for(cast.commune).get(reverse("producers:list"))
    assert names(response) == ["HTX Gốm Bát Tràng"]
    assert [unit.key for unit in response.context["communes"]] == [cast.commune_a.key]


def test_list_sends_a_producer_to_their_own_record(cast, client_for):
    response = client_for(cast.producer1).get(reverse("producers:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("producers:mine")


@pytest.mark.parametrize("who", ["buyer", "outsider"])
def test_list_is_not_found_for_buyers_and_outsiders(cast, client_for, who):
    assert client_for(getattr(cast, who)).get(reverse("producers:list")).status_code == 404


def test_list_needs_signing_in(cast):
    response = Client().get(reverse("producers:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "query",
    [
        "gom bat trang",
        "Gốm Bát",
        unicodedata.normalize("NFD", "gốm bát tràng"),
        "GOM",
        "0100233488",
        "ĐKKD-77",
    ],
)
def test_list_search_by_name_with_or_without_diacritics_tax_code_or_number(cast, client_for, query):
    cast.prod1.tax_code = "0100233488"
    cast.prod1.registration_number = "ĐKKD-77"
    cast.prod1.save()
    response = client_for(cast.office).get(reverse("producers:list"), {"q": query})
    assert names(response) == ["HTX Gốm Bát Tràng"]


def test_list_filters_by_status_kind_and_commune(cast, client_for):
    ProducerFactory(
        name="Trang trại Sen", commune=cast.commune_b, kind=ProducerKind.FARM, status="pending"
    )
    client = client_for(cast.office)
    get = lambda **params: names(client.get(reverse("producers:list"), params))  # noqa: E731
    assert get(status="pending") == ["Trang trại Sen"]
    assert get(kind="farm") == ["Trang trại Sen"]
    assert get(commune=cast.commune_b.key) == ["Công ty Trà Sen", "Trang trại Sen"]
    assert get(commune=cast.commune_b.key, status="approved") == ["Công ty Trà Sen"]
    assert get(status="nonsense") == ["Công ty Trà Sen", "HTX Gốm Bát Tràng", "Trang trại Sen"]


def test_list_sorts_by_name_created_status_and_commune(cast, client_for):
    ProducerFactory(name="Ấp Trứng Vịt", commune=cast.commune_b, status="pending")
    client = client_for(cast.office)
    get = lambda sort: names(client.get(reverse("producers:list"), {"sort": sort}))  # noqa: E731
    assert get("name") == ["Ấp Trứng Vịt", "Công ty Trà Sen", "HTX Gốm Bát Tràng"]
    assert get("created") == ["Ấp Trứng Vịt", "Công ty Trà Sen", "HTX Gốm Bát Tràng"]
    assert get("status") == ["Công ty Trà Sen", "HTX Gốm Bát Tràng", "Ấp Trứng Vịt"]
    assert get("commune") == ["Ấp Trứng Vịt", "Công ty Trà Sen", "HTX Gốm Bát Tràng"]
    assert get("bogus") == get("name")


def test_list_paginates(cast, client_for):
    ProducerFactory.create_batch(30, commune=cast.commune_a)
    client = client_for(cast.office)
    first = client.get(reverse("producers:list"))
    last = client.get(reverse("producers:list"), {"page": 2})
    assert (len(names(first)), len(names(last))) == (25, 7)
    assert last.context["state"].page.paginator.count == 32


def test_list_shows_the_row_columns(cast, client_for):
    cast.prod1.tax_code = "0100233488"
    cast.prod1.save()
    response = client_for(cast.commune).get(reverse("producers:list"))
    html = response.content.decode()
    assert url("detail", cast.prod1) in html
    assert "0100233488" in html
    assert cast.commune_a.name in html
    assert 'class="badge badge-approved"' in html


LIST_QUERIES = 6  # session, user, memberships, count, rows, communes for the filter


@pytest.mark.parametrize("extra", [0, 6])
def test_list_query_count_does_not_grow_with_rows(
    cast, client_for, django_assert_num_queries, extra
):
    ProducerFactory.create_batch(extra, commune=cast.commune_a)
    client = client_for(cast.commune)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("producers:list"))
    assert len(names(response)) == 1 + extra


# --- detail tabs ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*STAFF, "producer1", "producer1_staff"])
@pytest.mark.parametrize("tab", ["detail", "products", "history"])
def test_detail_tabs_are_open_to_those_who_may_read(cast, client_for, who, tab):
    response = client_for(getattr(cast, who)).get(url(tab, cast.prod1))
    assert response.status_code == 200
    assert response.context["producer"] == cast.prod1


def test_detail_shows_all_fields(cast, client_for):
    cast.prod1.representative_ethnicity = "Tày"
    cast.prod1.representative_disability = True
    cast.prod1.phone = "0912345678"
    cast.prod1.save()
    html = client_for(cast.producer1).get(url("detail", cast.prod1)).content.decode()
    for text in ("HTX Gốm Bát Tràng", "Trần Thị Lan", "Tày", "0912345678", cast.prod1.code):
        assert text in html


def test_products_tab_lists_only_this_producers_products(cast, client_for):
    response = client_for(cast.producer1).get(url("products", cast.prod1))
    assert list(response.context["products"]) == [cast.product1]
    assert "Bình gốm men lam" in response.content.decode()
    assert "Trà sen Tây Hồ" not in response.content.decode()


def test_history_tab_shows_the_log(cast, client_for):
    client_for(cast.producer1).post(url("edit", cast.prod1), form_data(cast.commune_a))
    response = client_for(cast.commune).get(url("history", cast.prod1))
    assert [entry.action for entry in response.context["history"]] == ["producers.producer.update"]
    assert "producers.producer.update" in response.content.decode()


def test_detail_offers_decisions_only_to_who_may_take_them(cast, client_for):
    cast.prod1.status = ProducerStatus.PENDING
    cast.prod1.save()
    officer = client_for(cast.commune).get(url("detail", cast.prod1))
    owner = client_for(cast.producer1).get(url("detail", cast.prod1))
    chair = client_for(cast.chair).get(url("detail", cast.prod1))
    assert [item["action"] for item in officer.context["actions"]] == ["approve", "reject"]
    assert url("reject", cast.prod1) in officer.content.decode()
    assert owner.context["actions"] == []
    assert chair.context["actions"] == []
    assert url("approve", cast.prod1) not in owner.content.decode()


# --- the leak matrix: 404, never 403 --------------------------------------------------------


@pytest.mark.parametrize("who", INTRUDERS)
@pytest.mark.parametrize("name", ["detail", "products", "history", "edit"])
def test_reads_and_edit_of_anothers_producer_are_not_found(cast, client_for, who, name):
    client = client_for(getattr(cast, who))
    assert client.get(url(name, cast.prod1)).status_code == 404


@pytest.mark.parametrize("who", INTRUDERS)
@pytest.mark.parametrize("name", ["edit", *ACTIONS])
def test_writes_to_anothers_producer_are_not_found_and_change_nothing(cast, client_for, who, name):
    client = client_for(getattr(cast, who))
    response = client.post(url(name, cast.prod1), {**form_data(cast.commune_a), "reason": "x"})
    assert response.status_code == 404
    cast.prod1.refresh_from_db()
    assert (cast.prod1.name, cast.prod1.status) == ("HTX Gốm Bát Tràng", "approved")
    assert list(history_for(cast.prod1)) == []


@pytest.mark.parametrize("who", ["chair", "member", "approver", "producer1_staff"])
def test_readers_who_may_not_edit_get_not_found_on_edit(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get(url("edit", cast.prod1)).status_code == 404
    assert client.post(url("edit", cast.prod1), form_data(cast.commune_a)).status_code == 404


@pytest.mark.parametrize("who", ["chair", "approver", "producer1", "producer1_staff"])
@pytest.mark.parametrize("name", ACTIONS)
def test_readers_who_may_not_decide_get_not_found_on_actions(cast, client_for, who, name):
    response = client_for(getattr(cast, who)).post(url(name, cast.prod1), {"reason": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["detail", "products", "history", "edit"])
def test_producer_pages_need_signing_in(cast, name):
    response = Client().get(url(name, cast.prod1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_unknown_code_is_not_found(cast, client_for):
    client = client_for(cast.admin)
    assert client.get(reverse("producers:detail", args=["CTXXXXXX"])).status_code == 404


# --- edit -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["producer1", "commune", "office", "admin"])
def test_edit_form_is_prefilled_for_those_who_may_edit(cast, client_for, who):
    response = client_for(getattr(cast, who)).get(url("edit", cast.prod1))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["name"].value() == "HTX Gốm Bát Tràng"
    assert form["commune"].value() == cast.commune_a.key
    assert "resubmit" not in form.fields


def test_edit_saves_normalised_values_and_logs_the_change(cast, client_for):
    response = client_for(cast.producer1).post(
        url("edit", cast.prod1),
        form_data(
            cast.commune_a,
            name=unicodedata.normalize("NFD", "HTX Gốm Sứ Bát Tràng"),
            tax_code="0314409058002",
            phone="+84 912 345 678",
            registration_date="04/05/2020",
            representative_ethnicity=unicodedata.normalize("NFD", "Mường"),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url("detail", cast.prod1)
    cast.prod1.refresh_from_db()
    assert cast.prod1.name == "HTX Gốm Sứ Bát Tràng"
    assert cast.prod1.tax_code == "0314409058-002"
    assert cast.prod1.phone == "0912345678"
    assert cast.prod1.registration_date.isoformat() == "2020-05-04"
    assert cast.prod1.representative_ethnicity == "Mường"
    entry = history_for(cast.prod1)[0]
    assert (entry.action, entry.actor) == ("producers.producer.update", cast.producer1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tax_code": "0100233480"}, "tax_code"),
        ({"phone": "12345"}, "phone"),
        ({"email": "htx@"}, "email"),
        ({"registration_date": "31/12/2999"}, "registration_date"),
        ({"founded_on": "31/02/2020"}, "founded_on"),
        ({"workforce_local": "99"}, "workforce_local"),
        ({"name": ""}, "name"),
    ],
)
def test_edit_shows_a_field_error_and_saves_nothing(cast, client_for, overrides, field):
    response = client_for(cast.producer1).post(
        url("edit", cast.prod1), form_data(cast.commune_a, **overrides)
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    cast.prod1.refresh_from_db()
    assert cast.prod1.name == "HTX Gốm Bát Tràng"
    assert list(history_for(cast.prod1)) == []


def test_edit_shows_the_services_duplicate_tax_code_error_on_the_field(cast, client_for):
    cast.prod2.tax_code = "0100233488"
    cast.prod2.save()
    response = client_for(cast.producer1).post(
        url("edit", cast.prod1), form_data(cast.commune_a, tax_code="0100233488")
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["tax_code"]


def test_edit_by_a_commune_officer_may_not_move_a_producer_out_of_their_communes(cast, client_for):
    response = client_for(cast.commune).post(url("edit", cast.prod1), form_data(cast.commune_b))
    assert list(response.context["form"].errors) == ["commune"]


def test_owner_resubmits_a_rejected_record_from_the_edit_form(cast, client_for):
    cast.prod1.status = ProducerStatus.REJECTED
    cast.prod1.save()
    client = client_for(cast.producer1)
    assert "resubmit" in client.get(url("edit", cast.prod1)).context["form"].fields
    response = client.post(
        url("edit", cast.prod1), form_data(cast.commune_a, resubmit="on", phone="0912345678")
    )
    assert response.status_code == 302
    cast.prod1.refresh_from_db()
    assert cast.prod1.status == ProducerStatus.PENDING
    assert [entry.action for entry in history_for(cast.prod1)] == [
        "producers.producer.resubmit",
        "producers.producer.update",
    ]


# --- create (staff) ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "admin", "commune"])
def test_staff_add_an_approved_producer(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get(reverse("producers:create")).status_code == 200
    response = client.post(reverse("producers:create"), form_data(cast.commune_a, owner=""))
    producer = Producer.objects.get(name="Hợp tác xã Mây Tre Phú Vinh")
    assert response.status_code == 302
    assert response["Location"] == url("detail", producer)
    assert (producer.status, producer.created_by) == ("approved", getattr(cast, who))


def test_staff_add_a_producer_for_an_owner(cast, client_for):
    client_for(cast.office).post(
        reverse("producers:create"), form_data(cast.commune_a, owner="outsider")
    )
    producer = Producer.objects.get(name="Hợp tác xã Mây Tre Phú Vinh")
    assert producer.organisation.memberships.get().user == cast.outsider


def test_staff_add_shows_the_owner_error_from_the_service(cast, client_for):
    response = client_for(cast.office).post(
        reverse("producers:create"), form_data(cast.commune_a, owner="producer1")
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["owner"]
    assert not Producer.objects.filter(name="Hợp tác xã Mây Tre Phú Vinh").exists()


def test_commune_officer_adds_only_in_their_communes(cast, client_for):
    client = client_for(cast.commune)
    form = client.get(reverse("producers:create")).context["form"]
    assert [unit.key for unit in form.fields["commune"].queryset] == [cast.commune_a.key]
    response = client.post(reverse("producers:create"), form_data(cast.commune_b, owner=""))
    assert list(response.context["form"].errors) == ["commune"]


@pytest.mark.parametrize("who", ["chair", "approver", "producer1", "buyer", "outsider"])
def test_add_is_not_found_for_everyone_else(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get(reverse("producers:create")).status_code == 404
    assert client.post(reverse("producers:create"), form_data(cast.commune_a)).status_code == 404


# --- status actions ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["commune", "office", "admin"])
def test_approve_a_pending_producer(cast, client_for, who):
    cast.prod1.status = ProducerStatus.PENDING
    cast.prod1.save()
    response = client_for(getattr(cast, who)).post(url("approve", cast.prod1))
    assert response.status_code == 302
    cast.prod1.refresh_from_db()
    assert (cast.prod1.status, cast.prod1.approved_by) == ("approved", getattr(cast, who))
    assert history_for(cast.prod1)[0].action == "producers.producer.approve"


def test_reject_needs_a_reason(cast, client_for):
    cast.prod1.status = ProducerStatus.PENDING
    cast.prod1.save()
    client = client_for(cast.commune)
    refused = client.post(url("reject", cast.prod1), {"reason": "  "})
    assert refused.status_code == 422
    reject_form = next(i["form"] for i in refused.context["actions"] if i["action"] == "reject")
    assert list(reject_form.errors) == ["reason"]
    cast.prod1.refresh_from_db()
    assert cast.prod1.status == "pending"
    done = client.post(url("reject", cast.prod1), {"reason": "Thiếu giấy phép kinh doanh"})
    assert done.status_code == 302
    cast.prod1.refresh_from_db()
    assert (cast.prod1.status, cast.prod1.status_reason) == (
        "rejected",
        "Thiếu giấy phép kinh doanh",
    )
    assert history_for(cast.prod1)[0].data["reason"] == "Thiếu giấy phép kinh doanh"


def test_suspend_and_reinstate(cast, client_for):
    client = client_for(cast.office)
    assert client.post(url("suspend", cast.prod1), {"reason": "Hết hạn"}).status_code == 302
    cast.prod1.refresh_from_db()
    assert cast.prod1.status == "suspended"
    assert client.post(url("reinstate", cast.prod1)).status_code == 302
    cast.prod1.refresh_from_db()
    assert cast.prod1.status == "approved"


def test_an_action_not_possible_now_is_refused_with_a_message(cast, client_for):
    response = client_for(cast.commune).post(url("approve", cast.prod1), follow=True)
    assert response.status_code == 200
    with translation.override("vi"):
        expected = translation.gettext("This action is not possible at this stage.")
    assert [str(m) for m in response.context["messages"]] == [expected]
    cast.prod1.refresh_from_db()
    assert cast.prod1.status == "approved"
    assert list(history_for(cast.prod1)) == []


def test_actions_answer_only_post(cast, client_for):
    assert client_for(cast.commune).get(url("approve", cast.prod1)).status_code == 405


# --- register and mine ------------------------------------------------------------------------


def anonymous_registration(commune, **overrides):
    data = form_data(
        commune,
        **{
            "account-username": "chi_mai",
            "account-email": "mai@example.vn",
            "account-password1": "Lua-nep-2026!",
            "account-password2": "Lua-nep-2026!",
        },
    )
    data.update(overrides)
    return data


def test_anonymous_visitor_registers_account_and_producer_and_is_signed_in(cast):
    client = Client()
    page = client.get(reverse("producers:register"))
    assert page.status_code == 200
    assert page.context["account_form"] is not None
    response = client.post(reverse("producers:register"), anonymous_registration(cast.commune_a))
    user = User.objects.get(username="chi_mai")
    producer = Producer.objects.get(organisation__memberships__user=user)
    assert response.status_code == 302
    assert response["Location"] == url("detail", producer)
    assert client.session[SESSION_KEY] == str(user.pk)
    assert (producer.status, producer.created_by) == ("pending", user)
    assert client.get(url("detail", producer)).status_code == 200
    assert client.get(reverse("producers:mine"))["Location"] == url("detail", producer)


def test_anonymous_registration_errors_are_on_their_fields_and_nothing_is_saved(cast):
    before = (User.objects.count(), Producer.objects.count(), ActivityLog.objects.count())
    response = Client().post(
        reverse("producers:register"),
        anonymous_registration(
            cast.commune_a,
            tax_code="0100233480",
            phone="12",
            **{"account-password2": "other"},
        ),
    )
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["phone", "tax_code"]
    assert list(response.context["account_form"].errors) == ["password2"]
    assert (User.objects.count(), Producer.objects.count(), ActivityLog.objects.count()) == before


def test_anonymous_registration_shows_service_account_errors_on_the_account_form(cast):
    response = Client().post(
        reverse("producers:register"),
        anonymous_registration(
            cast.commune_a,
            **{
                "account-username": "OUTSIDER",
                "account-password1": "12345678",
                "account-password2": "12345678",
            },
        ),
    )
    assert response.status_code == 200
    assert sorted(response.context["account_form"].errors) == ["password1", "username"]
    assert not User.objects.filter(username="OUTSIDER").exists()


def test_anonymous_registration_stores_a_decomposed_name_composed(cast):
    Client().post(
        reverse("producers:register"),
        anonymous_registration(
            cast.commune_a, name=unicodedata.normalize("NFD", "Hộ kinh doanh Đỗ Thị Ngọc")
        ),
    )
    assert Producer.objects.filter(name="Hộ kinh doanh Đỗ Thị Ngọc").count() == 1


def test_signed_in_user_without_a_producer_registers_one(cast, client_for):
    client = client_for(cast.outsider)
    page = client.get(reverse("producers:register"))
    assert page.context["account_form"] is None
    response = client.post(reverse("producers:register"), form_data(cast.commune_b))
    producer = Producer.objects.get(name="Hợp tác xã Mây Tre Phú Vinh")
    assert response["Location"] == url("detail", producer)
    assert producer.organisation.memberships.get().user == cast.outsider
    assert history_for(producer)[0].action == "producers.producer.register"


def test_owner_is_sent_to_their_producer_instead_of_registering_again(cast, client_for):
    client = client_for(cast.producer1)
    for response in (
        client.get(reverse("producers:register")),
        client.post(reverse("producers:register"), form_data(cast.commune_a)),
    ):
        assert response["Location"] == reverse("producers:mine")
    assert Producer.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("producer1", "detail"),
        ("producer1_staff", "detail"),
        ("outsider", "register"),
        ("buyer", "register"),
        ("office", "list"),
    ],
)
def test_my_producer_goes_to_the_right_place(cast, client_for, who, target):
    response = client_for(getattr(cast, who)).get(reverse("producers:mine"))
    expected = url("detail", cast.prod1) if target == "detail" else reverse(f"producers:{target}")
    assert response["Location"] == expected


def test_my_producer_needs_signing_in():
    response = Client().get(reverse("producers:mine"))
    assert response["Location"].startswith(reverse("accounts:login"))
