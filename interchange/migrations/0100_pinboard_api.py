# The Pinboard-compatible API: personal API tokens and the sync state behind
# posts/update. Numbered 0100 so it cannot clash with the interchange app's
# other migrations; once those exist, this one should depend on their latest.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import interchange.pinboard.tokens


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "nonce",
                    models.CharField(
                        default=interchange.pinboard.tokens.new_nonce,
                        editable=False,
                        max_length=64,
                        unique=True,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="made"),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_token",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
            },
        ),
        migrations.CreateModel(
            name="SyncState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("bookmark_count", models.PositiveIntegerField(default=0)),
                ("newest_update", models.DateTimeField(blank=True, null=True)),
                ("changed_at", models.DateTimeField(verbose_name="changed")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "API sync state",
                "verbose_name_plural": "API sync states",
            },
        ),
    ]
