"""Backfill the change record from the history recorded before it existed (django-simple-history's tables)."""

from django.db import migrations


def backfill(apps, schema_editor):
    # Nothing to do on a fresh database (the usual case in tests): the history tables are empty.
    if not apps.get_model("plans", "HistoricalDeliveryPlan").objects.exists():
        return
    # The reconstruction is kept in core for this migration (and the data generator); it reads the tables through
    # the current models, which match them as this migration runs after every app's latest migration below.
    from core import change_backfill

    change_backfill.backfill()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_change_record"),
        ("actions", "0005_rag_no_status_recorded"),
        ("projects", "0005_project_unheaded_column"),
        ("objectives", "0003_text_limits_and_date_years"),
        ("peer_review", "0004_review_date_precision_and_owner"),
        ("plans", "0014_board_pack_pdf_kept"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
