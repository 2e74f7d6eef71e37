"""Error reporting: with SENTRY_DSN set, sentry-sdk with the Django and Celery integrations.

Called once at the end of config/settings.py. Without SENTRY_DSN nothing is imported and
nothing is sent. No personal data is sent (no cookies, user emails or request bodies).
"""

from config import env


def _sample_rate(name: str) -> float:
    value = env.string(name, "0").strip() or "0"
    try:
        rate = float(value)
    except ValueError as exc:
        raise env.ImproperlyConfigured(
            f"{name} must be a number from 0 to 1, got {value!r}"
        ) from exc
    if not 0 <= rate <= 1:
        raise env.ImproperlyConfigured(f"{name} must be a number from 0 to 1, got {value!r}")
    return rate


def sentry_configure() -> bool:
    """Start sentry-sdk if SENTRY_DSN is set; True when it did."""
    dsn = env.string("SENTRY_DSN")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env.string("SENTRY_ENVIRONMENT", "production"),
        release=env.string("SENTRY_RELEASE") or None,
        traces_sample_rate=_sample_rate("SENTRY_TRACES_SAMPLE_RATE"),
        send_default_pii=False,
    )
    return True
