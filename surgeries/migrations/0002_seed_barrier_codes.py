"""Seed the barrier codes councils use in surgeries. Admin-editable afterwards."""

from django.db import migrations

BARRIERS = [
    ("drift-case-closure", "Drift in case closure"),
    ("drift-assessment", "Drift in assessment"),
    ("section-47-under-way", "Section 47 under way"),
    ("child-not-available", "Child not available"),
    ("family-not-engaging", "Family not engaging"),
    ("recording-delay", "Recording delay"),
    ("worker-absence", "Worker absence"),
    ("awaiting-panel-legal", "Awaiting panel or legal"),
    ("other", "Other"),
]


def seed(apps, schema_editor):
    BarrierCode = apps.get_model("surgeries", "BarrierCode")
    for position, (code, label) in enumerate(BARRIERS, start=1):
        BarrierCode.objects.update_or_create(
            code=code, defaults={"label": label, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("surgeries", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
