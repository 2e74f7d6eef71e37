from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.hashers import make_password

from cohort.accounts.models import User, normalize_email


class CohortBackend(BaseBackend):
    """Members authenticate with their group's password until they set a personal one; from
    then on only that signs in as them. Other roles always use their own."""

    def authenticate(self, request, email=None, password=None, username=None, **kwargs):
        email = normalize_email(email or username or "")
        if not email or not password:
            return None
        user = User.objects.select_related("group").filter(email=email).first()
        if user is None:
            # Hash anyway so an unknown email takes as long as a wrong password.
            make_password(password)
            return None
        if not user.is_active:
            return None
        if user.is_member and not user.has_personal_password:
            valid = user.group is not None and user.group.check_password(password)
        else:
            valid = user.check_password(password)
        return user if valid else None

    def get_user(self, user_id):
        # The group comes along: the session hash needs its password on every request, and
        # its division says whether the member must set a personal password first.
        return (
            User.objects.select_related("group", "group__division")
            .filter(pk=user_id, is_active=True)
            .first()
        )

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and user_obj.is_staff
