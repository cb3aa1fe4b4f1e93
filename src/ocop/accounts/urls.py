from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from ocop.accounts.forms import QueuedPasswordResetForm
from ocop.accounts.views import auth, profile, totp

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", auth.LoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", totp.login_code, name="login_code"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "quen-mat-khau/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:profile"),
        ),
        name="password_change",
    ),
    path("ho-so/", profile.profile, name="profile"),
    path("ho-so/token/", profile.issue_token, name="issue_token"),
    path("ho-so/token/thu-hoi/", profile.revoke_token, name="revoke_token"),
    path("ho-so/xac-thuc-hai-buoc/", totp.totp_setup, name="totp_setup"),
    path("ho-so/xac-thuc-hai-buoc/tat/", totp.totp_disable, name="totp_disable"),
]
