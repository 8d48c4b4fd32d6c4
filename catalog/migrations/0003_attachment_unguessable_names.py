"""Attachments stored as attachments/solution-<id>/<name> move to a random name.

The name said which solution a file belonged to and what the vendor called it: whoever could
reach storage by path could guess a draft's files. Row by row and outside one transaction,
so an interrupted run leaves every row pointing at a file that exists: copy, point the row at
the copy, then delete the old file. A row whose file is already missing gets a fresh name
all the same (the attachment pre-check reports the missing file). Reversing keeps the new
names: nothing needs the old ones."""

import secrets
from pathlib import PurePath

from django.db import migrations

OLD_PREFIX = "attachments/solution-"


def _random_name(old):
    extension = "".join(c for c in PurePath(old).suffix.lower() if c.isascii() and c.isalnum())
    return f"attachments/{secrets.token_hex(16)}" + (f".{extension[:10]}" if extension else "")


def rename_to_random(apps, schema_editor):
    Attachment = apps.get_model("catalog", "Attachment")
    storage = Attachment._meta.get_field("file").storage
    rows = Attachment.objects.filter(file__startswith=OLD_PREFIX).values_list("pk", "file")
    for pk, old in list(rows):
        new = _random_name(old)
        try:
            with storage.open(old, "rb") as handle:
                new = storage.save(new, handle)
        except OSError:
            Attachment.objects.filter(pk=pk).update(file=new)
            continue
        Attachment.objects.filter(pk=pk).update(file=new)
        storage.delete(old)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("catalog", "0002_review_workflow"),
    ]

    operations = [
        migrations.RunPython(rename_to_random, migrations.RunPython.noop, elidable=True),
    ]
