"""API tokens get a scope and an expiry; divisions can require personal passwords; members
with a personal password may add passkeys.

Tokens made before this change could write anything: they keep the one write devices use
(activity:write), and expire API_TOKEN_MAX_AGE_DAYS after they were made (at the earliest
a week from now, so no script stops without warning on deploy day)."""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone


def tokens_expire(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    max_age = dt.timedelta(days=getattr(settings, "API_TOKEN_MAX_AGE_DAYS", 180))
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=Greatest(F("created_at") + max_age, timezone.now() + dt.timedelta(days=7))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_leetcode_verified"),
    ]

    operations = [
        migrations.AddField(
            model_name="division",
            name="is_personal_password_required",
            field=models.BooleanField(
                default=False,
                help_text="Members who have none are sent to set one right after signing in "
                "with the group password, and can do nothing else until they do (for "
                "programmes with private mentor threads).",
                verbose_name="Members need a personal password",
            ),
        ),
        # Existing tokens keep activity writes; new ones default to read.
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[
                    ("read", "read: GET requests only"),
                    ("activity:write", "activity:write: read, and log activity"),
                ],
                default="activity:write",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[
                    ("read", "read: GET requests only"),
                    ("activity:write", "activity:write: read, and log activity"),
                ],
                default="read",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(tokens_expire, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
        migrations.CreateModel(
            name="Passkey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60)),
                (
                    "credential_id",
                    models.CharField(
                        help_text="base64url of the authenticator's credential id",
                        max_length=1400,
                        unique=True,
                    ),
                ),
                ("public_key", models.BinaryField()),
                ("sign_count", models.PositiveBigIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="passkeys",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["created_at"]},
        ),
    ]
