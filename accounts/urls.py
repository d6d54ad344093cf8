from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from config.decorators import form_endpoint

from . import views

app_name = "accounts"

#: Django's password-reset views reverse un-namespaced names by default;
#: every template and destination is named here instead.
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="registration/password_reset_email.txt",
    subject_template_name="registration/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        # Signed-in people see the form again rather than being sent on:
        # sending them to ?next= would loop (a 500 in LoginView) when next is
        # this page.
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    # POST only (Django's LogoutView refuses GET with 405) and CSRF-checked.
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        form_endpoint(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change.html",
                success_url=reverse_lazy("accounts:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("accounts/password/reset/", password_reset, name="password_reset"),
    path("accounts/password/reset/done/", password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/complete/",
        password_reset_complete,
        name="password_reset_complete",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("settings/", views.settings_page, name="settings"),
    path("settings/feed-token/", views.feed_token_reset, name="feed_token_reset"),
    path("settings/delete/", views.delete_account_page, name="delete"),
]
