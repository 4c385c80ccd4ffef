from django.db import migrations


def build(apps, schema_editor):
    from casework.workingdays import CALENDAR_END, CALENDAR_START, build_rows

    CalendarDay = apps.get_model("casework", "CalendarDay")
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=d, is_working_day=w, working_day_number=n, holiday_name=h)
            for d, w, n, h in build_rows(CALENDAR_START, CALENDAR_END, {})
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
