# The professional goal hangs on the account (loaded with the session, SESSION_USER_RELATED).
# Goals set before this migration are dropped: none existed outside development databases.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("competences", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="ProfessionalGoal"),
        migrations.CreateModel(
            name="ProfessionalGoal",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="créé le"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("fiche_code", models.CharField(max_length=5, verbose_name="fiche ROME visée")),
                ("libelle", models.CharField(max_length=300, verbose_name="métier visé")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="professional_goal",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "objectif professionnel",
                "verbose_name_plural": "objectifs professionnels",
                "ordering": ("-created_at",),
                "abstract": False,
            },
        ),
    ]
