from django.urls import path

from cohort.accounts import (
    closure_views,
    group_import_views,
    passkey_views,
    setup_views,
    terms_views,
    two_factor_views,
    views,
)

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("terms/accept/", terms_views.terms_accept_view, name="terms-accept"),
    path("setup/<str:key>/", setup_views.setup_view, name="setup"),
    path("profile/close/", closure_views.account_close_view, name="account-close"),
    path(
        "profile/close/confirm/<str:token>/",
        closure_views.account_close_confirm_view,
        name="account-close-confirm",
    ),
    path(
        "people/<int:user_id>/close/",
        closure_views.account_close_for_member_view,
        name="account-close-member",
    ),
    path("2fa/", two_factor_views.two_factor_view, name="two-factor"),
    path("2fa/setup/", two_factor_views.two_factor_setup_view, name="two-factor-setup"),
    path("join/<str:token>/", views.join_view, name="join"),
    path("signup/", views.register_view, name="register"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/time-zone/", views.profile_time_zone_view, name="profile-time-zone"),
    path("profile/password/", views.personal_password_view, name="personal-password"),
    path(
        "profile/recovery-codes/",
        two_factor_views.recovery_codes_view,
        name="two-factor-recovery-codes",
    ),
    path("profile/passkeys/", passkey_views.passkey_register_view, name="passkey-register"),
    path("profile/passkeys/options/", passkey_views.passkey_options_view, name="passkey-options"),
    path(
        "profile/passkeys/<int:passkey_id>/remove/",
        passkey_views.passkey_remove_view,
        name="passkey-remove",
    ),
    path("login/passkey/", passkey_views.passkey_sign_in_view, name="passkey-sign-in"),
    path(
        "login/passkey/options/",
        passkey_views.passkey_sign_in_options_view,
        name="passkey-sign-in-options",
    ),
    path("group/", views.group_view, name="group"),
    path("group/<int:group_id>/", views.group_view, name="group-detail"),
    path("group/<int:group_id>/password/", views.group_password_view, name="group-password"),
    path("group/<int:group_id>/members/", views.group_member_add_view, name="group-member-add"),
    path(
        "group/<int:group_id>/members/<int:user_id>/remove/",
        views.group_member_remove_view,
        name="group-member-remove",
    ),
    path("group/<int:group_id>/leader/", views.group_leader_view, name="group-leader"),
    path("group/<int:group_id>/import/", group_import_views.group_import_view, name="group-import"),
    path(
        "group/<int:group_id>/import/apply/",
        group_import_views.group_import_apply_view,
        name="group-import-apply",
    ),
]
