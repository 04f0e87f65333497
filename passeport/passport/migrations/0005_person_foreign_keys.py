"""`person_id` UUID columns become foreign keys to identity.Person, keeping the columns and data.

In the state, the UUID fields `person_id` are renamed `person` (their column stays `person_id`)
and then altered into a ForeignKey / OneToOneField on the same column: the database only gains
the foreign-key constraints.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
        ("passport", "0004_holder_birth_date_only_encrypted"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="entry", name="entry_person_idx"),
        # Entry.person_id → Entry.person (same column)
        migrations.AlterField(
            model_name="entry",
            name="person_id",
            field=models.UUIDField(
                blank=True,
                null=True,
                db_column="person_id",
                verbose_name="personne du registre d'identité",
            ),
        ),
        migrations.RenameField(model_name="entry", old_name="person_id", new_name="person"),
        migrations.AlterField(
            model_name="entry",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="passport_entries",
                to="identity.person",
                verbose_name="personne du registre d'identité",
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["person", "withdrawn_at"], name="entry_person_idx"),
        ),
        # Holder.person_id → Holder.person (same column, still unique)
        migrations.AlterField(
            model_name="holder",
            name="person_id",
            field=models.UUIDField(
                blank=True,
                null=True,
                unique=True,
                db_column="person_id",
                verbose_name="personne du registre d'identité",
            ),
        ),
        migrations.RenameField(model_name="holder", old_name="person_id", new_name="person"),
        migrations.AlterField(
            model_name="holder",
            name="person",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="holder",
                to="identity.person",
                verbose_name="personne du registre d'identité",
            ),
        ),
    ]
