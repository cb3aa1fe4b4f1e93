"""The EPCIS 2.0 REST bindings (namespace `epcis`, mounted at /epcis/; views/epcis.py,
docs/developer/epcis.md). A trailing slash is tolerated; any other path under /epcis/ is a 404
problem."""

from django.urls import re_path

from ocop.traceability.views import epcis

app_name = "epcis"

urlpatterns: list = [
    re_path(r"^$", epcis.root, name="root"),
    re_path(r"^capture/?$", epcis.capture, name="capture"),
    re_path(r"^capture/(?P<capture_id>[^/]+)/?$", epcis.capture_job, name="capture_job"),
    re_path(r"^events/?$", epcis.events, name="events"),
    re_path(r"^events/(?P<event_id>.+?)/?$", epcis.event, name="event"),
    re_path(r"^batches/(?P<code>[^/]+)/events/?$", epcis.batch_export, name="batch_export"),
    re_path(r"^.*$", epcis.not_found),
]
