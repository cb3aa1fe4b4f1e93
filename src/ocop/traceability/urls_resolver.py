"""The GS1 Digital Link resolver at the site root (namespace `resolver`): `/01/{gtin}[/10/{lot}]
[/21/{serial}][/]` and the resolver description file `/.well-known/gs1resolver`
(views/resolver.py; docs/developer/traceability-resolver.md)."""

from django.urls import path, re_path

from ocop.traceability.views import resolver

app_name = "resolver"

urlpatterns: list = [
    re_path(r"^01(?:/(?P<rest>.*))?$", resolver.resolve, name="resolve"),
    path(".well-known/gs1resolver", resolver.description_file, name="description"),
]
