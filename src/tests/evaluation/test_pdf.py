"""The printable documents: each PDF's text, extracted with pypdf, keeps the Vietnamese words
intact (diacritics survive copy-paste), and each document answers 404 to whoever may not print
it."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from ocop.core.pdf import render_pdf
from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.enums import CommuneConclusion, DecisionStatus, SessionStatus
from ocop.evaluation.models import CommuneAssessment, DiscussionRound, Session
from ocop.evaluation.services.decisions import change_decision_status, draft_decision
from tests.evaluation.results_world import build_world

pytestmark = pytest.mark.django_db
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@pytest.fixture(autouse=True)
def _fresh_specs():
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def world(qd26, cast):
    return build_world(cast)


def vi(msgid: str) -> str:
    """The Vietnamese of a msgid (the msgid itself until the catalogue translates it)."""
    with translation.override("vi"):
        return translation.gettext(msgid)


def text_of(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def get_pdf(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    return squeeze(text_of(response.content))


def sheet_url(world, name="four", username=None):
    args = [world.session.code, world.dossier(name).code]
    if username is None:
        return reverse("evaluation:sheet_pdf", args=args)
    return reverse("evaluation:member_sheet_pdf", args=[*args, username])


def commune_report(world, name="four"):
    return CommuneAssessment.objects.create(
        dossier=world.dossier(name),
        local_materials="Đất sét trắng khai thác tại địa phương.",
        local_materials_met=True,
        local_labour="12 lao động là người địa phương.",
        local_labour_met=True,
        idea_origin="Ý tưởng của nghệ nhân làng gốm.",
        idea_origin_met=True,
        local_identity="Men lam truyền thống Bát Tràng.",
        local_identity_met=False,
        completeness_ok=True,
        conclusion=CommuneConclusion.FORWARD,
        report="Hồ sơ đầy đủ.",
        assessed_by=world.cast.commune,
    )


def test_render_pdf_keeps_vietnamese_text():
    content = render_pdf(
        "evaluation/pdf/base.html",
        {"place": "Hà Nội", "date": dt.date(2026, 7, 10)},
    )
    text = squeeze(text_of(content))
    assert NATION in text and MOTTO in text
    assert "Hà Nội" in text and "10" in text and "2026" in text


def test_a_members_score_sheet(world, client_for):
    text = get_pdf(client_for(world.cast.member), sheet_url(world))
    assert vi("Score sheet").upper() in text
    assert NATION in text
    assert "Hội đồng đánh giá, phân hạng sản phẩm OCOP thành phố Hà Nội".upper() in text
    assert "Bình gốm men lam" in text and "HTX Gốm Bát Tràng" in text
    assert world.dossier("four").code in text
    assert "Đạt yêu cầu về nguồn nguyên liệu." in text  # the member's own comment
    assert world.cast.member.get_full_name() in text
    assert "15/06/2026" in text


def test_the_commune_report_mau_03(world, client_for):
    commune_report(world)
    text = get_pdf(
        client_for(world.cast.commune),
        reverse("evaluation:commune_report_pdf", args=[world.dossier("four").code]),
    )
    assert NATION in text
    assert "Xã Bát Tràng" in text
    assert "Men lam truyền thống Bát Tràng." in text and "Đất sét trắng" in text
    assert "Bình gốm men lam" in text and "Trần Thị Lan" in text
    assert vi("ASSESSMENT REPORT") in text  # engineer A's report, the same as the page


def test_the_council_minutes(world, client_for):
    item = world.items["four"]
    DiscussionRound.objects.create(
        item=item,
        number=1,
        reason="Chênh lệch điểm giữa các thành viên lớn hơn 10 điểm.",
        spread_before=12,
        opened_by=world.cast.chair,
    )
    text = get_pdf(
        client_for(world.cast.office), reverse("evaluation:minutes_pdf", args=[world.session.code])
    )
    assert vi("Minutes").upper() in text
    assert NATION in text and "Hà Nội" in text
    assert "Trụ sở UBND thành phố Hà Nội" in text and "15/06/2026" in text
    for seat in world.council.members.select_related("user"):
        assert seat.user.get_full_name() in text
        assert seat.department in text
    assert vi("absent") in text and vi("present") in text
    for name in ("Bình gốm men lam", "Trà sen Tây Hồ", "Gốm men rạn cổ", "Trà búp Ba Vì"):
        assert name in text
    mean = f"{item.mean_total:.2f}".replace(".", ",")
    assert mean in text
    assert "Chênh lệch điểm giữa các thành viên lớn hơn 10 điểm." in text
    assert vi("Chair of the council").upper() in text


def test_the_rounds_summary_table(world, client_for):
    decision = draft_decision(
        actor=world.cast.office, round=world.round, title="QĐ", number="1147/QĐ-UBND"
    )
    change_decision_status(
        actor=world.cast.approver,
        decision=decision,
        to=DecisionStatus.APPROVED,
        signed_on=dt.date(2026, 7, 10),
    )
    text = get_pdf(
        client_for(world.cast.approver),
        reverse("evaluation:round_summary_pdf", args=[world.round.code]),
    )
    assert "Đợt 1 năm 2026 – Hà Nội" in text
    for name in ("Bình gốm men lam", "Trà sen Tây Hồ", "Gốm men rạn cổ", "Trà búp Ba Vì"):
        assert name in text
    assert "1147/QĐ-UBND" in text and "10/07/2026" in text
    assert "Phường Hoàn Kiếm" in text


# --- who may print what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "own", "status"),
    [
        ("member", True, 200),  # the member's own sheet
        ("office", False, 200),
        ("approver", False, 200),
        ("chair", False, 200),  # after the close
        ("secretary", False, 200),
        ("absent", False, 404),  # a member, not the chair or the secretary
        ("producer1", False, 404),
        ("producer2", False, 404),
        ("buyer", False, 404),
        ("outsider", False, 404),
    ],
)
def test_who_prints_a_members_sheet(world, client_for, name, own, status):
    user = getattr(world, name, None) or getattr(world.cast, name)
    url = sheet_url(world, username=world.cast.member.username)
    assert client_for(user).get(url).status_code == status


def test_a_member_prints_the_sheets_the_session_pages_show_them(world, client_for):
    """One rule for the screen and the paper (`sheets_visible_to`): before submitting their own
    sheet a member sees no other sheet; with a declared conflict, never."""
    from ocop.evaluation.enums import SheetStatus
    from ocop.evaluation.models import ConflictDeclaration, ScoreSheet

    Session.objects.filter(pk=world.session.pk).update(status=SessionStatus.OPEN)
    url = sheet_url(world, username=world.cast.member.username)
    item = world.items["four"]
    chair_sheet = ScoreSheet.objects.get(item=item, member__user=world.cast.chair)
    ScoreSheet.objects.filter(pk=chair_sheet.pk).update(status=SheetStatus.DRAFT)
    assert client_for(world.cast.chair).get(url).status_code == 404
    assert client_for(world.cast.member).get(url).status_code == 200
    assert client_for(world.cast.office).get(url).status_code == 200
    ScoreSheet.objects.filter(pk=chair_sheet.pk).update(status=SheetStatus.SUBMITTED)
    assert client_for(world.cast.chair).get(url).status_code == 200
    # A chair who declared a conflict on the product prints only their own, even after the close.
    Session.objects.filter(pk=world.session.pk).update(status=SessionStatus.CLOSED)
    ConflictDeclaration.objects.update_or_create(
        item=item, member=chair_sheet.member, defaults={"has_conflict": True}
    )
    assert client_for(world.cast.chair).get(url).status_code == 404


def test_a_user_without_a_sheet_gets_404(world, client_for):
    assert client_for(world.cast.producer1).get(sheet_url(world)).status_code == 404
    assert client_for(world.absent).get(sheet_url(world)).status_code == 404


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("office", 200),
        ("approver", 200),
        ("chair", 200),
        ("member", 200),
        ("secretary", 200),
        ("producer1", 404),
        ("commune", 404),
        ("buyer", 404),
        ("outsider", 404),
    ],
)
def test_who_prints_the_minutes(world, client_for, name, status):
    user = getattr(world, name, None) or getattr(world.cast, name)
    url = reverse("evaluation:minutes_pdf", args=[world.session.code])
    assert client_for(user).get(url).status_code == status


def test_an_open_session_has_no_minutes(world, client_for):
    Session.objects.filter(pk=world.session.pk).update(status=SessionStatus.OPEN)
    url = reverse("evaluation:minutes_pdf", args=[world.session.code])
    assert client_for(world.cast.office).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("office", 200),
        ("approver", 200),
        ("commune", 200),
        ("producer1", 200),
        ("producer1_staff", 200),
        ("chair", 200),  # the dossier is on the agenda of the chair's council
        ("producer2", 404),
        ("commune2", 404),
        ("buyer", 404),
        ("outsider", 404),
    ],
)
def test_who_prints_the_commune_report(world, client_for, name, status):
    commune_report(world)
    url = reverse("evaluation:commune_report_pdf", args=[world.dossier("four").code])
    assert client_for(getattr(world.cast, name)).get(url).status_code == status


def test_no_commune_report_yet_is_404(world, client_for):
    url = reverse("evaluation:commune_report_pdf", args=[world.dossier("four").code])
    assert client_for(world.cast.office).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "status"),
    [("office", 200), ("approver", 200), ("admin", 200), ("chair", 404), ("producer1", 404)],
)
def test_who_prints_the_rounds_summary(world, client_for, name, status):
    url = reverse("evaluation:round_summary_pdf", args=[world.round.code])
    assert client_for(getattr(world.cast, name)).get(url).status_code == status
