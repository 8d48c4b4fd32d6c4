"""People made before sign-up existed were made by the operator (admin, catalog import, demo):
their email addresses are taken as verified, so allauth's mandatory verification lets them in."""

from django.db import migrations


def verify_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = set(EmailAddress.objects.values_list("email", flat=True))
    rows = []
    for pk, email in User.objects.exclude(email="").values_list("pk", "email").order_by("pk"):
        normalised = email.strip().lower()
        if normalised in taken:
            continue  # two people with one address: the first keeps it
        taken.add(normalised)
        rows.append(EmailAddress(user_id=pk, email=normalised, verified=True, primary=True))
    EmailAddress.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_organization_verification"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(verify_existing, migrations.RunPython.noop)]
