"""Reader account URLs. The site includes them at the root under the "access" namespace:

    path("", include((account_urlpatterns, "access")))

so they reverse as "access:login", "access:my_access" and so on.
"""

from django.urls import path

from masthead.access import account_views as views

account_urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("verify-email/<str:token>/", views.verify_email_view, name="verify_email"),
    path("password-reset/", views.password_reset_view, name="password_reset"),
    path("password-reset/done/", views.password_reset_done_view, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm_view,
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.password_reset_complete_view,
        name="password_reset_complete",
    ),
    path("password-change/", views.password_change_view, name="password_change"),
    path("password-change/done/", views.password_change_done_view, name="password_change_done"),
    path("my-access", views.my_access_view, name="my_access"),
    path(
        "my-access/resend-verification",
        views.resend_verification_view,
        name="resend_verification",
    ),
]
