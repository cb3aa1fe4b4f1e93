"""The whole evaluation chain in a real browser, on the demo data (issue 4, "Done means").

producer1 lodges a dossier for the set of cups → the commune (Xã Bát Tràng) assesses it (Mẫu 03)
and forwards it → the office accepts it into round 2 of 2026, creates a session of the city
council and puts the dossier on the agenda → the secretary records the attendance → the chair and
the three members declare no conflict and score it; one member is far lower, the item is
flagged → the chair opens a discussion round, that member changes the sheet and everyone submits
again → the chair closes the session → the office drafts decision 123/QĐ-UBND, the approver
approves it → producer1 sees 4★ with the means per criterion, and an anonymous visitor finds the
product among the public results.

Every step goes through the pages, as each role; the services are only read to check. The
selections are computed from the scorecard with the scoring engine before the browser starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import formats, translation

from ocop.core.demo import DEMO_PASSWORD
from ocop.core.demo_evaluation import COUNCIL_NAME
from ocop.criteria.engine.scoring import SheetInput, requirements, score_council
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.queries.sheet import option_values
from tests.browser.conftest import sign_in, sign_out, vi

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRODUCT = "Bộ ấm chén men rạn"  # producer1's, bộ 21 (IV.1), with a final self-assessment
SCORECARD = 21
DECISION = "123/QĐ-UBND"
SCORERS = ("chair", "member1", "member2", "member3")
FAR = "member3"
EVIDENCE = ("registration_form", "self_assessment_report", "business_registration")
# From each criterion's best option, a few criteria that 3★ and 4★ do not require are lowered
# (points per criterion): the chair's reading, then each member's differences from it.
CHAIR_LOWERS = {
    "1.2": 2, "1.3": 2, "3.1": 2, "3.3": 2, "4.2": 2, "4.3": 3,
    "6.1": 3, "6.2": 3, "6.3": 2, "6.4": 2, "6.5": 3, "9": 3,
}  # fmt: skip
DIFFERENCES = {
    "chair": {},
    "member1": {"9": 1},
    "member2": {"6.5": 0},
    # member3 first scores far lower, then, after the discussion, close to the others.
    "member3": {
        "1.2": 1, "1.3": 1, "3.1": 1, "3.3": 1, "4.2": 0, "4.3": 0,
        "6.1": 0, "6.2": 1, "6.3": 0, "6.4": 0, "6.5": 0, "9": 1,
    },
}  # fmt: skip
AFTER_DISCUSSION = {"4.3": 2, "6.5": 0}


@dataclass
class Plan:
    """What each member picks (radio values by criterion) and what the engine makes of it."""

    first: dict[str, dict[str, str]]  # the members' first sheets
    final: dict[str, dict[str, str]]  # after the discussion round
    first_spread: Decimal
    mean: Decimal
    stars: int
    criterion_means: dict[str, Decimal]


def _value_for(criterion: Any, points: Decimal) -> str:
    """The radio value (the option's position, "0" for none/no) that gives `points`."""
    for value, (_position, option_points) in option_values(criterion).items():
        if option_points == points:
            return value
    raise AssertionError(f"{criterion.code}: no option of {points} points")


def plan_sheets() -> Plan:
    spec = load_scorecard_spec("qd26-2026", SCORECARD)
    policy = policy_for("qd26-2026")
    required = {req.criterion for level in (3, 4) for req in requirements(spec, level)}
    best = {c.code: max(points for _p, points in option_values(c).values()) for c in spec.criteria}
    lowered = set(CHAIR_LOWERS) | {code for d in DIFFERENCES.values() for code in d}
    assert not lowered & required  # only criteria that 3★ and 4★ do not require are lowered

    def points(changes: dict[str, int]) -> dict[str, Decimal]:
        sheet = dict(best)
        sheet.update({code: Decimal(value) for code, value in {**CHAIR_LOWERS, **changes}.items()})
        return sheet

    first = {member: points(DIFFERENCES[member]) for member in SCORERS}
    final = {**first, FAR: points(AFTER_DISCUSSION)}
    before = score_council(spec, policy, [SheetInput(m, first[m]) for m in SCORERS])
    after = score_council(spec, policy, [SheetInput(m, final[m]) for m in SCORERS])
    by_code = {criterion.code: criterion for criterion in spec.criteria}

    def radios(sheets: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, str]]:
        return {
            member: {code: _value_for(by_code[code], value) for code, value in sheet.items()}
            for member, sheet in sheets.items()
        }

    return Plan(
        first=radios(first),
        final=radios(final),
        first_spread=before.spread,
        mean=after.mean_total,
        stars=after.stars,
        criterion_means=after.criterion_means(),
    )


# --- the browser helpers ---------------------------------------------------------------------


def vi_number(value: Decimal) -> str:
    with translation.override("vi"):
        return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def stars_label(count: int) -> str:
    with translation.override("vi"):
        return translation.ngettext("%(stars)s star", "%(stars)s stars", count) % {"stars": count}


def click_and_wait(page: Any, locator: Any) -> None:
    """Click something that loads a page (a link, or a form's button and its redirect)."""
    with page.expect_navigation():
        locator.click()


def menu(page: Any, msgid: str) -> None:
    click_and_wait(page, page.locator("nav.main-nav").get_by_role("link", name=vi(msgid)))


def tab(page: Any, msgid: str) -> None:
    click_and_wait(page, page.locator("ul.tabs").get_by_role("link", name=vi(msgid)))


def button(page: Any, msgid: str) -> Any:
    return page.get_by_role("button", name=vi(msgid), exact=True)


def messages(page: Any) -> str:
    found = page.locator("ul.messages")
    return found.inner_text() if found.count() else ""


def as_user(page: Any, username: str) -> None:
    """Sign out whoever is signed in, then sign in as `username` (the demo's password)."""
    if page.get_by_role("button", name=vi("Sign out")).count():
        sign_out(page)
    sign_in(page, username, DEMO_PASSWORD)


def open_item(page: Any, session_code: str, dossier_code: str) -> None:
    """From the menu: "Scoring" → the session → the dossier on its agenda."""
    menu(page, "Scoring")
    click_and_wait(page, page.get_by_role("link", name=session_code, exact=True))
    click_and_wait(page, page.locator(".session-item-title a", has_text=dossier_code))


def score(page: Any, radios: dict[str, str]) -> None:
    for code, value in radios.items():
        page.locator(f'input[name="c-{code}"][value="{value}"]').check()


def submit_sheet(page: Any) -> None:
    """ "Nộp phiếu", confirmed in the browser's dialog (scoring.js)."""
    page.once("dialog", lambda dialog: dialog.accept())
    click_and_wait(page, button(page, "Submit the sheet"))


# --- the journey -----------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path):
    """The demo loaded by its loader in the live server's database, and the evidence files the
    producer uploads (a PDF and two PNG scans)."""
    from ocop.core.demo import load_demo, tiny_png
    from ocop.core.demo_evaluation import DEMO_PDF

    load_demo(seed=42, cycles=False)
    files = {}
    for index, category in enumerate(EVIDENCE):
        if index == 0:
            path = tmp_path / f"{category}.pdf"
            path.write_bytes(DEMO_PDF)
        else:
            path = tmp_path / f"{category}.png"
            path.write_bytes(tiny_png((40 + 60 * index, 120, 200), size=8))
        files[category] = path
    return files


def test_the_whole_chain_in_the_browser(page, demo):
    from ocop.evaluation.models import (
        Council,
        Decision,
        Dossier,
        OutboxMessage,
        Round,
        SessionDossier,
    )
    from ocop.products.models import Product

    plan = plan_sheets()
    assert plan.first_spread == Decimal(23)  # above the threshold of 10: flagged
    assert plan.mean == Decimal("80.75")  # in [70, 90)
    assert plan.stars == 4  # and every 4★ minimum requirement is met
    product = Product.objects.get(name=PRODUCT)
    round2 = Round.objects.get(year=2026, number=2, level="province")
    council = Council.objects.get(name=COUNCIL_NAME)
    # The pages' own errors: scripts that fail, anything the Content-Security-Policy blocks.
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    # 1. producer1 lodges the dossier: Mẫu 01, the final self-assessment, the evidence, submit.
    as_user(page, "producer1")
    menu(page, "My products")
    click_and_wait(page, page.get_by_role("link", name=PRODUCT))
    tab(page, "Dossiers")
    page.locator('input[name="kind"][value="first"]').check()
    click_and_wait(page, button(page, "Start the dossier"))
    dossier = Dossier.objects.get(product=product)
    assert page.url.endswith(f"/danh-gia/ho-so/{dossier.code}/")
    tab(page, "Registration (Mẫu 01)")
    page.locator("#id_raw_material_source").fill("Đất sét trắng và cao lanh của làng Bát Tràng.")
    page.locator("#id_capacity_per_year").fill("5000")
    page.locator("#id_capacity_unit").fill("bộ")
    page.locator("#id_market_domestic").fill("Hà Nội, Hải Phòng, Thành phố Hồ Chí Minh")
    page.locator("#id_price").fill("850000")
    page.locator("#id_packaging").fill("Hộp giấy cứng lót xốp")
    page.locator("#id_brand_status").select_option("registered")
    page.locator("#id_samples_count").fill("5")
    click_and_wait(page, button(page, "Save Mẫu 01"))
    assert vi("Mẫu 01 has been saved.") in messages(page)
    tab(page, "Self-assessment (Mẫu 02)")
    click_and_wait(page, button(page, "Attach this self-assessment"))
    assert vi("The self-assessment has been attached.") in messages(page)
    tab(page, "Evidence")
    for category, path in demo.items():
        page.locator("#id_category").select_option(category)
        page.locator("#id_title").fill(f"Giấy tờ: {category}")
        page.locator("#id_file").set_input_files(str(path))
        click_and_wait(page, button(page, "Add the document"))
        assert vi("The document has been added.") in messages(page)
    tab(page, "Overview")
    click_and_wait(page, button(page, "Submit the dossier"))
    dossier.refresh_from_db()
    assert dossier.status == "submitted", messages(page)

    # 2. The commune's officer (Xã Bát Tràng) assesses it (Mẫu 03) and forwards it.
    as_user(page, "commune")
    menu(page, "Dossiers")  # the commune's inbox
    click_and_wait(page, page.get_by_role("link", name=dossier.code, exact=True))
    click_and_wait(page, page.get_by_role("link", name=vi("Assess the dossier (Mẫu 03)")))
    for content in ("local_materials", "local_labour", "idea_origin", "local_identity"):
        page.locator(f'input[name="{content}_met"][value="1"]').check()
        page.locator(f'textarea[name="{content}"]').fill("Đạt: xác minh tại cơ sở sản xuất.")
    page.locator("#id_completeness_ok").check()
    page.locator("#id_report").fill("UBND xã Bát Tràng đề nghị Thành phố đánh giá sản phẩm.")
    page.locator('input[name="conclusion"][value="forward"]').check()
    click_and_wait(page, button(page, "Record the assessment"))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level) == ("forwarded", "province"), messages(page)

    # 3. The office accepts it into round 2, creates a session, puts it on the agenda.
    as_user(page, "office")
    menu(page, "Dossiers")
    click_and_wait(page, page.get_by_role("link", name=dossier.code, exact=True))
    page.locator("#id_round").select_option(round2.code)
    click_and_wait(page, button(page, "Accept into the round"))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.round_id) == ("accepted", round2.pk), messages(page)
    menu(page, "Councils")
    click_and_wait(page, page.get_by_role("link", name=COUNCIL_NAME))
    page.get_by_text(vi("New session"), exact=True).click()
    page.locator("#id_round").select_option(round2.code)
    page.locator("#id_held_on").fill("2026-12-10")
    page.locator("#id_place").fill("Hội trường Sở Nông nghiệp và Môi trường")
    click_and_wait(page, button(page, "Create the session"))
    session = council.sessions.get(round=round2)
    assert page.url.endswith(f"/danh-gia/phien/{session.code}/")
    page.get_by_text(vi("Put a dossier on the agenda"), exact=True).click()
    page.locator("#id_dossier").select_option(dossier.code)
    click_and_wait(page, button(page, "Add to the agenda"))
    item = SessionDossier.objects.get(session=session, dossier=dossier)

    # 4. The secretary records who is present: the chair and the three members.
    as_user(page, "secretary")
    menu(page, "Scoring")
    click_and_wait(page, page.get_by_role("link", name=session.code, exact=True))
    for username in SCORERS:
        page.locator(f'input[name="present"][value="{username}"]').check()
    click_and_wait(page, button(page, "Save the attendance"))
    assert sorted(session.present.values_list("user__username", flat=True)) == sorted(SCORERS)

    # 5. Each scoring member declares no conflict and scores; member3 is far lower.
    for username in SCORERS:
        as_user(page, username)
        open_item(page, session.code, dossier.code)
        page.locator('input[name="has_conflict"][value="no"]').check()
        click_and_wait(page, button(page, "Record my declaration"))
        score(page, plan.first[username])
        submit_sheet(page)
        assert vi("Your sheet is submitted: %(total)s points.").split("%")[0] in messages(page)
    item.refresh_from_db()
    assert item.flagged_for_discussion
    assert page.locator(".badge-flag").first.is_visible()

    # 6. The chair opens a discussion round; member3 changes the sheet, everyone resubmits.
    as_user(page, "chair")
    open_item(page, session.code, dossier.code)
    page.locator("#id_reason").fill("Chênh lệch 23 điểm: thống nhất lại tiêu chí 4.3 và 6.")
    click_and_wait(page, button(page, "Open the discussion round"))
    assert item.discussions.filter(closed_at__isnull=True).count() == 1
    for username in SCORERS:
        as_user(page, username)
        open_item(page, session.code, dossier.code)
        if username == FAR:
            score(page, plan.final[username])
        submit_sheet(page)
    item.refresh_from_db()
    assert not item.flagged_for_discussion
    assert item.discussions.get().closed_at is not None

    # 7. The chair closes the session: the engine's result is stored.
    as_user(page, "chair")
    menu(page, "Scoring")
    click_and_wait(page, page.get_by_role("link", name=session.code, exact=True))
    click_and_wait(page, button(page, "Close the session"))
    item.refresh_from_db()
    assert (item.mean_total, item.stars) == (plan.mean, 4), messages(page)

    # 8. The office drafts the decision; the approver approves it.
    as_user(page, "office")
    menu(page, "Decisions")
    page.locator("#id_round").select_option(round2.code)
    page.locator("#id_title").fill("Quyết định công nhận sản phẩm OCOP năm 2026 (đợt 2)")
    page.locator("#id_number").fill(DECISION)
    click_and_wait(page, button(page, "Draft the decision"))
    decision = Decision.objects.get(number=DECISION)
    mails_before = OutboxMessage.objects.filter(to_email="producer1@ocop-demo.vn").count()
    as_user(page, "approver")
    menu(page, "Decisions")
    click_and_wait(page, page.get_by_role("link", name=decision.code, exact=True))
    click_and_wait(page, button(page, "Approve the decision"))
    decision.refresh_from_db()
    dossier.refresh_from_db()
    assert (decision.status, dossier.status) == ("approved", "recognised"), messages(page)
    # One e-mail for producer1: the result mail, waiting for the office's review.
    mails = OutboxMessage.objects.filter(to_email="producer1@ocop-demo.vn").order_by("pk")
    assert list(mails[mails_before:].values_list("kind", "status")) == [("results", "pending")]

    # 9. producer1 sees 4★ and the members' mean per criterion on the dossier's result page.
    as_user(page, "producer1")
    menu(page, "Dossiers")
    click_and_wait(page, page.get_by_role("link", name=dossier.code, exact=True))
    click_and_wait(page, page.get_by_role("link", name=vi("Evaluation result")))
    result = page.locator("main")
    assert result.get_by_role("img", name=stars_label(4)).is_visible()
    assert vi_number(plan.mean) in result.locator(".result-summary").inner_text()
    for code in ("4.3", "6.5", "9"):
        row = result.locator("table.result-table tr").filter(
            has=page.locator(".sa-code", has_text=re.compile(rf"^{re.escape(code)}$"))
        )
        assert vi_number(plan.criterion_means[code]) in row.inner_text(), code

    # 10. An anonymous visitor finds the product, 4★, among the public results.
    sign_out(page)
    page.goto("/ket-qua/")
    click_and_wait(page, page.get_by_role("link", name=round2.name))
    row = page.locator("table.result-table tbody tr").filter(has_text=PRODUCT)
    assert row.get_by_role("img", name=stars_label(4)).is_visible()
    assert vi_number(plan.mean) in row.inner_text()
    assert DECISION in row.inner_text()
    assert problems == []


# --- the member's form on a phone ------------------------------------------------------------


def test_a_member_scores_on_a_phone(phone, demo):
    """390×844: the running part totals stay in sight while the member scores, and "Nộp phiếu"
    is reachable wherever they are in the form (the action bar sticks to the bottom)."""
    import datetime as dt

    from playwright.sync_api import expect

    from ocop.accounts.models import User
    from ocop.evaluation.models import Council, CouncilMember, Dossier, Round
    from ocop.evaluation.services.dossiers import accept_dossier
    from ocop.evaluation.services.sessions import add_to_agenda, create_session, record_attendance

    office = User.objects.get(username="office")
    round2 = Round.objects.get(year=2026, number=2, level="province")
    council = Council.objects.get(name=COUNCIL_NAME)
    waiting = Dossier.objects.get(status="forwarded")  # the demo's tea bags (bộ 12)
    accept_dossier(actor=office, dossier=waiting, round=round2)
    session = create_session(
        actor=office, council=council, round=round2, held_on=dt.date(2026, 12, 10)
    )
    add_to_agenda(actor=office, session=session, dossier=waiting)
    seats = CouncilMember.objects.filter(council=council, user__username__in=SCORERS)
    record_attendance(actor=office, session=session, present_members=list(seats))

    page = phone
    sign_in(page, "member1", DEMO_PASSWORD)
    page.goto(f"/danh-gia/phien/{session.code}/ho-so/{waiting.code}/")
    page.locator('input[name="has_conflict"][value="no"]').check()
    click_and_wait(page, button(page, "Record my declaration"))
    live_total = page.locator(".scoring-bar-totals [data-live-total]")
    submit = button(page, "Submit the sheet")
    expect(live_total).to_have_text("0")
    # A criterion at the top, then one far down the form: the bar follows.
    first = page.locator('input[name="c-1.1"][value="3"]')
    unanswered = page.locator("fieldset.sa-criterion", has=first).locator("[data-unanswered]")
    expect(unanswered).to_be_visible()
    first.check()
    expect(live_total).to_have_text("3")
    expect(unanswered).to_be_hidden()  # answered now, even before the draft is saved
    expect(submit).to_be_in_viewport()  # the action bar sticks to the bottom of the screen
    last = page.locator('input[name="c-11"][value="3"]')
    last.scroll_into_view_if_needed()
    last.check()
    expect(live_total).to_have_text("6")
    expect(page.locator('.scoring-bar-totals [data-live-part="A"]')).to_have_text("3")
    expect(live_total).to_be_in_viewport()
    expect(submit).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    # Reachable: a tap opens the confirmation (dismissed here: the sheet is not complete).
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    submit.tap()
    assert asked and asked[0].startswith(
        vi(
            "Submit your sheet? Once submitted it changes only if the chair reopens it in a discussion round."
        )[:20]
    )
