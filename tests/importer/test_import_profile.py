"""A catalog file carries an organisation's Chinese description too; a file without it
leaves the one its admins keep on the web as it is."""

import pytest

from accounts.models import Organization
from importer.services import import_catalog

from .test_import import VENDOR, edited, write_catalog

pytestmark = pytest.mark.django_db


def test_description_zh_is_imported_and_kept_when_absent(tmp_path):
    import_catalog(write_catalog(tmp_path, edited(VENDOR, description_zh="数控机床状态监测。")))
    vendor = Organization.objects.get(external_ref=VENDOR["ref"])
    assert vendor.description_zh == "数控机床状态监测。"

    import_catalog(write_catalog(tmp_path, edited(VENDOR, description="Renamed text"),
                                 name="again.jsonl"))

    vendor.refresh_from_db()
    assert vendor.description == "Renamed text"
    assert vendor.description_zh == "数控机床状态监测。"
