"""Demo data for `make run`: the taxonomy, the demo catalog and one login per role."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Membership, Organization, User
from accounts.services import add_member, create_user
from importer.writing import operations

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "data" / "demo_catalog.jsonl"
DEMO_PASSWORD = "zhizao-demo"  # noqa: S105 - local demo data only, printed on purpose

# username, organisation (kind, external_ref or name), role, reviewer?
DEMO_USERS = [
    ("vendor", Organization.Kind.VENDOR, "v-001", Membership.Role.OWNER, False),
    ("enterprise", Organization.Kind.ENTERPRISE, "e-001", Membership.Role.OWNER, False),
    ("reviewer", Organization.Kind.OPERATOR, None, Membership.Role.MEMBER, True),
]


class Command(BaseCommand):
    help = "Load the taxonomy and demo catalog and create one demo user per role."

    def add_arguments(self, parser):
        parser.add_argument("--catalog", default=str(DEMO_CATALOG))

    def handle(self, *args, catalog, **options):
        call_command("load_taxonomy", stdout=self.stdout)
        call_command("import_catalog", catalog, "--quiet", stdout=self.stdout)
        with transaction.atomic():
            logins = self._users()
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for username, description in logins:
            self.stdout.write(f"  {username:<11} {description}")

    def _users(self):
        operator = operations()
        logins = []
        for username, kind, ref, role, reviewer in DEMO_USERS:
            org = operator if kind == Organization.Kind.OPERATOR else (
                Organization.objects.filter(kind=kind, external_ref=ref).first()
                or Organization.objects.filter(kind=kind).order_by("pk").first()
            )
            user = self._user(username)
            add_member(organization=org, user=user, role=role, is_reviewer=reviewer)
            logins.append((username, f"{kind} at {org.name}"))
        admin = self._user("admin", is_staff=True, is_superuser=True)
        add_member(organization=operator, user=admin, role=Membership.Role.OWNER)
        logins.append(("admin", "operator admin (Django admin at /admin/)"))
        return logins

    def _user(self, username, **flags):
        user = User.objects.filter(username=username).first()
        if user is None:
            return create_user(username=username, password=DEMO_PASSWORD,
                               email=f"{username}@demo.zhizao.local", **flags)
        # Seeding again gives the printed password back to a demo login that changed it.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        return user
