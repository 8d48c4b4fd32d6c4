"""Message files stored as messages/thread-<id>/<random>/<name> move to a random name.

The folder was random, but the name still told the thread and what the sender called the
file. Row by row and outside one transaction, so an interrupted run leaves every row pointing
at a file that exists: copy, point the row at the copy, then delete the old file. A row whose
file is already missing gets a fresh name all the same. Reversing keeps the new names:
nothing needs the old ones."""

import secrets
from pathlib import PurePath

from django.db import migrations

OLD_PREFIX = "messages/thread-"


def _random_name(old):
    extension = "".join(c for c in PurePath(old).suffix.lower() if c.isascii() and c.isalnum())
    return f"messages/{secrets.token_hex(16)}" + (f".{extension[:10]}" if extension else "")


def rename_to_random(apps, schema_editor):
    MessageAttachment = apps.get_model("marketplace", "MessageAttachment")
    storage = MessageAttachment._meta.get_field("file").storage
    rows = MessageAttachment.objects.filter(file__startswith=OLD_PREFIX).values_list("pk", "file")
    for pk, old in list(rows):
        new = _random_name(old)
        try:
            with storage.open(old, "rb") as handle:
                new = storage.save(new, handle)
        except OSError:
            MessageAttachment.objects.filter(pk=pk).update(file=new)
            continue
        MessageAttachment.objects.filter(pk=pk).update(file=new)
        storage.delete(old)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("marketplace", "0007_follows_and_message_attachments"),
    ]

    operations = [
        migrations.RunPython(rename_to_random, migrations.RunPython.noop, elidable=True),
    ]
