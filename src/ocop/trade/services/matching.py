"""Telling producers of the demands that fit them (the write side of matching).

When a demand is published (created open) or reopened, the producers of its best matches
(`match_demand`, the first `NOTIFY_TOP` candidates scoring at least `NOTIFY_MIN_SCORE`) are told
through `ocop.evaluation.services.notifications.notify` (in-app and e-mail, to the producer's
owner and staff), inside the demand's transaction. Each producer hears of a demand once
(`DemandNotice`, unique per demand and producer): reopening tells only the producers not told
before.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.certificates.services.people import producer_users, site_language
from ocop.core.services.activity import log_action
from ocop.core.text import short_date
from ocop.evaluation.services.notifications import notify
from ocop.producers.models import Producer
from ocop.trade.models import Demand, DemandNotice
from ocop.trade.queries.matching import Match, format_amount, match_demand

NOTIFY_MIN_SCORE = 50
NOTIFY_TOP = 20


def producers_to_notify(demand: Demand) -> list[tuple[Producer, Match]]:
    """The producers of the demand's best matches not yet told of it, each with its best match."""
    told = set(DemandNotice.objects.filter(demand=demand).values_list("producer_id", flat=True))
    chosen: dict[int, tuple[Producer, Match]] = {}
    for match in match_demand(demand, limit=NOTIFY_TOP):
        if match.score < NOTIFY_MIN_SCORE:
            break
        producer = match.producer
        if producer.pk in told or producer.pk in chosen:
            continue
        chosen[producer.pk] = (producer, match)
    return list(chosen.values())


@transaction.atomic
def notify_matching_producers(*, actor: Any, demand: Demand) -> int:
    """Tell the producers of the demand's best matches (each once); how many were told."""
    told = 0
    codes = []
    url = reverse("trade:demand", kwargs={"code": demand.code})
    for producer, match in producers_to_notify(demand):
        try:
            with transaction.atomic():
                DemandNotice.objects.create(demand=demand, producer=producer, score=match.score)
        except IntegrityError:
            continue  # told by a concurrent request
        with site_language():
            message = _(
                "A buyer is looking for %(what)s: “%(title)s”, %(quantity)s %(unit)s from "
                "%(start)s to %(end)s. Your product %(product)s fits (%(score)s points)."
            ) % {
                "what": demand.group_name or demand.keywords,
                "title": demand.title,
                "quantity": format_amount(demand.quantity),
                "unit": demand.unit,
                "start": short_date(demand.period_start),
                "end": short_date(demand.period_end),
                "product": match.product.name,
                "score": match.score,
            }
        notify(producer_users(producer), message, url=url, email=True)
        told += 1
        codes.append(producer.code)
    if codes:
        log_action(actor, "trade.demand.notice", demand, data={"producers": codes})
    return told
