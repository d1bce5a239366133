# Live events stop carrying rendered text: what a reader receives is rendered from the
# contribution as it is when sent. The payloads stored so far (which could replay text
# withdrawn, removed or edited since) are dropped; each event keeps its contribution and
# its predecessor.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def keep_references(apps, schema_editor):
    event_model = apps.get_model("discussions", "DiscussionEvent")
    contribution_model = apps.get_model("discussions", "Contribution")
    existing = set(contribution_model.objects.values_list("pk", flat=True))
    for event in event_model.objects.all().iterator(chunk_size=1000):
        payload = event.payload or {}
        contribution = payload.get("contribution")
        event.contribution_id = contribution if contribution in existing else None
        event.previous = payload.get("previous") or 0
        event.save(update_fields=["contribution", "previous"])


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0004_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="discussionevent",
            name="contribution",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="discussions.contribution",
            ),
        ),
        migrations.AddField(
            model_name="discussionevent",
            name="previous",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(keep_references, migrations.RunPython.noop),
        migrations.RemoveField(model_name="discussionevent", name="payload"),
        migrations.AlterField(
            model_name="discussionevent",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
    ]
