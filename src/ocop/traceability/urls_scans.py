"""Scans (namespace `scans`, at /truy-xuat/quet/): the statistics of officials and producers, and
the trace page's "share my approximate area" form (views/scans.py)."""

from django.urls import path

from ocop.traceability.views import scans

app_name = "scans"

urlpatterns: list = [
    path("", scans.statistics, name="statistics"),
    path("vi-tri/", scans.share_place, name="place"),
]
