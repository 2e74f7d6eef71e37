from django.conf import settings

from cohort.core.navigation import nav_html


def site(request):
    return {"registration_open": settings.REGISTRATION_OPEN}


def navigation(request):
    """The main navigation for the viewer's role (cohort.core.navigation)."""
    user = getattr(request, "user", None)
    return {"nav_html": nav_html(user, getattr(request, "resolver_match", None))}
