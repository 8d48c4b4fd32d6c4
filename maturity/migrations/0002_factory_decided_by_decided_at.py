# The operator's decision on a factory is a verification or a rejection: the fields say
# "decided", so nothing reads a rejection's time as a verification.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("maturity", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="smartfactory", old_name="verified_by",
                               new_name="decided_by"),
        migrations.RenameField(model_name="smartfactory", old_name="verified_at",
                               new_name="decided_at"),
    ]
