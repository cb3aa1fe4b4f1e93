import json
import unicodedata

import pytest
from django.test import Client

from ocop.accounts.enums import Role
from ocop.core.queries.activity import history_for
from ocop.producers.enums import ProducerKind, ProducerStatus
from ocop.producers.models import Producer
from tests.factories.producers import ProducerFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/producers"
INTRUDERS = ["producer2", "commune2", "buyer", "outsider"]


@pytest.fixture
def api(api_token):
    """Call the API as a user with a real bearer token: api(user).get(path) etc."""

    class Caller:
        def __init__(self, user):
            self.client = Client()
            self.headers = api_token(user) if user is not None else {}

        def get(self, path, params=None):
            return self.client.get(path, params or {}, **self.headers)

        def post(self, path, body=None):
            return self.client.post(
                path, json.dumps(body or {}), content_type="application/json", **self.headers
            )

        def patch(self, path, body):
            return self.client.patch(
                path, json.dumps(body), content_type="application/json", **self.headers
            )

    return Caller


def new_producer(commune, **overrides):
    body = {
        "kind": "cooperative",
        "name": "Hợp tác xã Chè Ba Vì",
        "address": "Thôn Yên Bài",
        "commune": commune.key,
        "representative_name": "Đinh Văn Hùng",
        "representative_sex": "male",
        "representative_ethnicity": "Mường",
        "workforce_total": 12,
        "workforce_local": 10,
    }
    body.update(overrides)
    return body


def problem_fields(response):
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == response.status_code
    return sorted(error["field"] for error in body.get("errors", []))


def codes(response):
    return [item["code"] for item in response.json()["items"]]


# --- list -------------------------------------------------------------------------------------


def test_list_returns_public_identifiers_only(cast, api):
    response = api(cast.commune).get(BASE + "/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert "id" not in item
    assert item["code"] == cast.prod1.code
    assert item["commune"] == {"key": cast.commune_a.key, "name": "Xã Bát Tràng"}
    assert (item["name"], item["status"], item["workforce_total"]) == (
        "HTX Gốm Bát Tràng",
        "approved",
        20,
    )
    assert item["representative_is_ethnic_minority"] is False


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("office", ["prod2", "prod1"]),
        ("approver", ["prod2", "prod1"]),
        ("commune", ["prod1"]),
        ("commune2", ["prod2"]),
        ("producer1", ["prod1"]),
        ("producer2", ["prod2"]),
        ("buyer", []),
        ("outsider", []),
    ],
)
def test_list_holds_only_what_the_caller_may_see(cast, api, who, expected):
    response = api(getattr(cast, who)).get(BASE + "/")
    assert codes(response) == [getattr(cast, name).code for name in expected]


def test_list_filters(cast, api):
    farm = ProducerFactory(
        name="Trang trại Bò sữa", commune=cast.commune_b, kind=ProducerKind.FARM, status="pending"
    )
    cast.prod1.tax_code = "0100233488"
    cast.prod1.save()
    caller = api(cast.office)
    assert codes(caller.get(BASE + "/", {"status": "pending"})) == [farm.code]
    assert codes(caller.get(BASE + "/", {"kind": "farm"})) == [farm.code]
    assert codes(caller.get(BASE + "/", {"commune": cast.commune_b.key})) == [
        cast.prod2.code,
        farm.code,
    ]
    assert codes(caller.get(BASE + "/", {"q": "gom bat"})) == [cast.prod1.code]
    assert codes(caller.get(BASE + "/", {"q": unicodedata.normalize("NFD", "Gốm")})) == [
        cast.prod1.code
    ]
    assert codes(caller.get(BASE + "/", {"q": "0100233488"})) == [cast.prod1.code]
    assert problem_fields(caller.get(BASE + "/", {"status": "nonsense"})) == ["status"]


def test_list_paginates_with_limit_and_offset(cast, api):
    ProducerFactory.create_batch(5, commune=cast.commune_a)
    caller = api(cast.office)
    first = caller.get(BASE + "/", {"limit": 3})
    rest = caller.get(BASE + "/", {"limit": 10, "offset": 3})
    assert (first.json()["count"], len(codes(first)), len(codes(rest))) == (7, 3, 4)
    assert set(codes(first)).isdisjoint(codes(rest))
    assert problem_fields(caller.get(BASE + "/", {"limit": 0})) == ["limit"]


API_LIST_QUERIES = 5  # token, token last-used, memberships, count, rows (commune joined)


@pytest.mark.parametrize("extra", [0, 6])
def test_list_query_count_does_not_grow_with_rows(cast, api, django_assert_num_queries, extra):
    ProducerFactory.create_batch(extra, commune=cast.commune_a)
    caller = api(cast.commune)
    with django_assert_num_queries(API_LIST_QUERIES):
        response = caller.get(BASE + "/")
    assert len(codes(response)) == 1 + extra


def test_api_needs_authentication(cast, api):
    response = api(None).get(BASE + "/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


# --- detail, leaks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["admin", "office", "commune", "chair", "producer1", "producer1_staff"]
)
def test_detail_for_those_who_may_read(cast, api, who):
    response = api(getattr(cast, who)).get(f"{BASE}/{cast.prod1.code}")
    assert response.status_code == 200
    assert response.json()["code"] == cast.prod1.code


@pytest.mark.parametrize("who", INTRUDERS)
def test_every_producer_url_is_not_found_for_intruders(cast, api, who):
    caller = api(getattr(cast, who))
    path = f"{BASE}/{cast.prod1.code}"
    responses = [
        caller.get(path),
        caller.patch(path, {"name": "Đã bị sửa"}),
        caller.post(path + "/approve", {}),
        caller.post(path + "/reject", {"reason": "x"}),
        caller.post(path + "/suspend", {"reason": "x"}),
        caller.post(path + "/reinstate", {}),
    ]
    assert [r.status_code for r in responses] == [404] * 6
    assert {r["Content-Type"] for r in responses} == {"application/problem+json"}
    cast.prod1.refresh_from_db()
    assert (cast.prod1.name, cast.prod1.status) == ("HTX Gốm Bát Tràng", "approved")
    assert list(history_for(cast.prod1)) == []


def test_unknown_code_is_not_found(cast, api):
    assert api(cast.admin).get(f"{BASE}/CTXXXXXX").status_code == 404


# --- create -------------------------------------------------------------------------------------


def test_staff_create_an_approved_producer_with_an_owner(cast, api):
    response = api(cast.office).post(BASE + "/", new_producer(cast.commune_a, owner="outsider"))
    assert response.status_code == 201
    body = response.json()
    producer = Producer.objects.get(code=body["code"])
    assert (body["status"], body["commune"]["key"]) == ("approved", cast.commune_a.key)
    assert producer.organisation.memberships.get().user == cast.outsider
    assert history_for(producer)[0].action == "producers.producer.create"


def test_a_user_without_a_producer_registers_through_the_api(cast, api):
    response = api(cast.outsider).post(BASE + "/", new_producer(cast.commune_b))
    assert response.status_code == 201
    producer = Producer.objects.get(code=response.json()["code"])
    assert producer.status == ProducerStatus.PENDING
    assert list(producer.organisation.memberships.values_list("user", "role")) == [
        (cast.outsider.pk, Role.PRODUCER_OWNER)
    ]
    assert history_for(producer)[0].action == "producers.producer.register"


def test_an_owner_cannot_register_a_second_producer_nor_name_an_owner(cast, api):
    caller = api(cast.producer1)
    again = caller.post(BASE + "/", new_producer(cast.commune_a))
    owner = api(cast.outsider).post(BASE + "/", new_producer(cast.commune_a, owner="buyer"))
    assert (again.status_code, owner.status_code) == (422, 422)
    assert problem_fields(again) == ["__all__"]
    assert problem_fields(owner) == ["owner"]
    assert Producer.objects.count() == 2


def test_create_with_a_bad_mst_answers_problem_details_naming_the_field(cast, api):
    response = api(cast.office).post(
        BASE + "/",
        new_producer(cast.commune_a, tax_code="0100233480", phone="123", email="x@"),
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["email", "phone", "tax_code"]
    body = response.json()
    assert body["type"] == "https://ocop.invalid/problems/validation"
    assert body["instance"] == BASE + "/"
    assert Producer.objects.count() == 2


def test_create_with_missing_or_mistyped_fields_answers_422(cast, api):
    body = new_producer(cast.commune_a, workforce_total="many", registration_date="31/12/2020")
    del body["name"]
    response = api(cast.office).post(BASE + "/", body)
    assert response.status_code == 422
    assert problem_fields(response) == ["name", "registration_date", "workforce_total"]


def test_create_normalises_text_to_nfc(cast, api):
    response = api(cast.office).post(
        BASE + "/", new_producer(cast.commune_a, name=unicodedata.normalize("NFD", "Hợp tác xã"))
    )
    assert response.json()["name"] == "Hợp tác xã"
    assert Producer.objects.filter(name="Hợp tác xã").count() == 1


# --- update -------------------------------------------------------------------------------------


def test_owner_patches_some_fields(cast, api):
    response = api(cast.producer1).patch(
        f"{BASE}/{cast.prod1.code}",
        {"phone": "+84 24 3825 1234", "registration_date": "2020-05-04"},
    )
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["registration_date"]) == (
        "02438251234",
        "2020-05-04",
    )
    cast.prod1.refresh_from_db()
    assert (cast.prod1.name, cast.prod1.phone) == ("HTX Gốm Bát Tràng", "02438251234")
    assert history_for(cast.prod1)[0].data == {
        "old": {"phone": "", "registration_date": None},
        "new": {"phone": "02438251234", "registration_date": "2020-05-04"},
    }


def test_patch_with_bad_values_answers_422_and_changes_nothing(cast, api):
    response = api(cast.commune).patch(
        f"{BASE}/{cast.prod1.code}", {"phone": "999", "workforce_local": 50, "name": None}
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["name", "phone", "workforce_local"]
    cast.prod1.refresh_from_db()
    assert (cast.prod1.phone, cast.prod1.workforce_local) == ("", 15)


def test_a_commune_officer_cannot_move_a_producer_out_of_their_communes(cast, api):
    """The edit form offers a commune officer their own communes only; the API obeys the same
    rule (found by the authorisation matrix, issue #9). The office may move it."""
    path = f"{BASE}/{cast.prod1.code}"
    response = api(cast.commune).patch(path, {"commune": cast.commune_b.key})
    assert response.status_code == 422
    assert problem_fields(response) == ["commune"]
    cast.prod1.refresh_from_db()
    assert cast.prod1.commune_id == cast.commune_a.pk
    assert list(history_for(cast.prod1)) == []
    response = api(cast.office).patch(path, {"commune": cast.commune_b.key})
    assert response.status_code == 200
    cast.prod1.refresh_from_db()
    assert cast.prod1.commune_id == cast.commune_b.pk


@pytest.mark.parametrize("who", ["chair", "approver", "producer1_staff"])
def test_readers_who_may_not_edit_get_404_on_patch(cast, api, who):
    response = api(getattr(cast, who)).patch(f"{BASE}/{cast.prod1.code}", {"phone": ""})
    assert response.status_code == 404


def test_patch_with_resubmit_sends_a_rejected_record_back(cast, api):
    cast.prod1.status = ProducerStatus.REJECTED
    cast.prod1.save()
    response = api(cast.producer1).patch(
        f"{BASE}/{cast.prod1.code}", {"phone": "0912345678", "resubmit": True}
    )
    assert response.json()["status"] == "pending"


# --- status -------------------------------------------------------------------------------------


def test_commune_officer_approves_and_rejects(cast, api):
    pending = [
        ProducerFactory(commune=cast.commune_a, status=ProducerStatus.PENDING) for _ in range(2)
    ]
    caller = api(cast.commune)
    approved = caller.post(f"{BASE}/{pending[0].code}/approve")
    no_reason = caller.post(f"{BASE}/{pending[1].code}/reject", {})
    rejected = caller.post(f"{BASE}/{pending[1].code}/reject", {"reason": "Hồ sơ thiếu"})
    assert approved.json()["status"] == "approved"
    assert no_reason.status_code == 422
    assert problem_fields(no_reason) == ["reason"]
    assert (rejected.json()["status"], rejected.json()["status_reason"]) == (
        "rejected",
        "Hồ sơ thiếu",
    )
    assert [history_for(p)[0].action for p in pending] == [
        "producers.producer.approve",
        "producers.producer.reject",
    ]


def test_a_move_outside_the_table_answers_422(cast, api):
    response = api(cast.office).post(f"{BASE}/{cast.prod1.code}/reject", {"reason": "x"})
    assert response.status_code == 422
    assert problem_fields(response) == ["status"]


def test_suspend_and_reinstate(cast, api):
    caller = api(cast.office)
    suspended = caller.post(f"{BASE}/{cast.prod1.code}/suspend", {"reason": "Kiểm tra"})
    reinstated = caller.post(f"{BASE}/{cast.prod1.code}/reinstate", {})
    assert (suspended.json()["status"], reinstated.json()["status"]) == ("suspended", "approved")


@pytest.mark.parametrize("who", ["producer1", "chair", "approver"])
def test_readers_who_may_not_decide_get_404_on_actions(cast, api, who):
    cast.prod1.status = ProducerStatus.PENDING
    cast.prod1.save()
    response = api(getattr(cast, who)).post(f"{BASE}/{cast.prod1.code}/approve", {})
    assert response.status_code == 404
    cast.prod1.refresh_from_db()
    assert cast.prod1.status == ProducerStatus.PENDING
