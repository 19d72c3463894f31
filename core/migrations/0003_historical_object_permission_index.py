from django.db import migrations

# Finding a lead's grants in the history by object (an action's or project's page, its history export) needs the
# index guardian gives its own table, which the history table does not inherit. Raw SQL, so the models' state (and
# `makemigrations --check`) are unaffected; the same statement works on SQLite and PostgreSQL.
INDEX = "core_histuop_object_idx"


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_chain")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON core_historicaluserobjectpermission (content_type_id, object_pk)",
            f"DROP INDEX {INDEX}",
        ),
    ]
