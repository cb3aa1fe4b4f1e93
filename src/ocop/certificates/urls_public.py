"""Public pages of certificates, no sign-in (namespace `verify`, mounted at the site root):
verification, register, open data.

The address printed as a QR code on the certificate is `/verify/<code>/`; `/xac-minh/…` is its
Vietnamese alias (the form, and the address people type)."""

from django.urls import path

from ocop.certificates.views import public

urlpatterns: list = [
    path("xac-minh/", public.verify_form, name="form"),
    path("verify/<str:code>/", public.verify, name="verify"),
    path("xac-minh/<str:code>/", public.verify, name="verify_vi"),
    path("verify/<str:code>/certificate.pdf", public.verify_pdf, name="certificate_pdf"),
    path("xac-minh/<str:code>/giay-chung-nhan.pdf", public.verify_pdf, name="certificate_pdf_vi"),
    path("chung-nhan/", public.register, name="register"),
    path("chung-nhan/du-lieu.csv", public.register_csv, name="register_csv"),
    path("chung-nhan/du-lieu.json", public.register_json, name="register_json"),
]
