"""An owner invites a colleague by email; the colleague opens the link signed out, signs in,
comes back to it and accepts; the owner sees them on the members page. In both languages,
and the members page fits a 390 px screen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership
from tests.factories import MembershipFactory, UserFactory, VendorFactory

from .conftest import FACTORY_PASSWORD, log_in, screenshot
from .labels import say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_owner_invites_a_colleague_who_accepts(new_page, language):
    org = VendorFactory(name="Suzhou Spindle Tech")
    owner = MembershipFactory(organization=org, role=Membership.Role.OWNER).user
    colleague = UserFactory(email="li.wei@example.com")

    admin = log_in(new_page(language), owner)
    admin.goto("/organization/members/")
    admin.get_by_label(say(language, "Email address")).fill("Li.Wei@example.com")
    admin.get_by_label(say(language, "Role")).first.select_option("admin")
    admin.get_by_role("button", name=say(language, "Send the invitation")).click()
    expect(admin.locator('[data-testid="invitation-li.wei@example.com"]')).to_be_visible()
    screenshot(admin, f"members-invited-{language}")

    link = re.search(r"(/invitations/[\w-]+/)", mail.outbox[-1].body).group(1)
    invitee = new_page(language)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("Suzhou Spindle Tech")
    invitee.get_by_role("link", name=say(language, "Sign in"), exact=True).last.click()
    invitee.locator("#id_login").fill(colleague.username)
    invitee.locator("#id_password").fill(FACTORY_PASSWORD)
    invitee.locator("main form button[type=submit]").click()
    expect(invitee).to_have_url(re.compile(re.escape(link) + "$"))
    invitee.get_by_role("button", name=say(language, "Accept")).click()
    expect(invitee).to_have_url(re.compile(r"/dashboard/$"))
    assert Membership.objects.get(user=colleague, organization=org).role == "admin"

    admin.goto("/organization/members/")
    expect(admin.locator(f'[data-testid="member-{colleague.username}"]')).to_be_visible()
    expect(admin.locator('[data-testid="invitation-li.wei@example.com"]')).to_have_count(0)


def test_the_members_and_keys_pages_fit_a_small_screen(new_page):
    org = VendorFactory()
    owner = MembershipFactory(organization=org, role=Membership.Role.OWNER).user
    MembershipFactory(organization=org, role=Membership.Role.MEMBER)
    page = log_in(new_page("zh-hans"), owner)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/organization/members/", "/organization/api-keys/"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    screenshot(page, "api-keys-390-zh-hans")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_newcomer_signs_up_from_the_link_and_accepts(new_page, language):
    org = VendorFactory(name="Suzhou Spindle Tech")
    owner = MembershipFactory(organization=org, role=Membership.Role.OWNER).user
    admin = log_in(new_page(language), owner)
    admin.goto("/organization/members/")
    admin.get_by_label(say(language, "Email address")).fill("new.hire@example.com")
    admin.get_by_role("button", name=say(language, "Send the invitation")).click()
    expect(admin.locator('[data-testid="invitation-new.hire@example.com"]')).to_be_visible()
    link = re.search(r"(/invitations/[\w-]+/)", mail.outbox[-1].body).group(1)

    newcomer = new_page(language)
    newcomer.goto(link)
    newcomer.get_by_role("link", name=say(language, "Create an account")).click()
    expect(newcomer.locator("#id_email")).to_have_value("new.hire@example.com")
    newcomer.locator("#id_name").fill("王新")
    newcomer.locator("#id_password1").fill("Xq7!long-enough-pass")
    newcomer.locator("#id_password2").fill("Xq7!long-enough-pass")
    newcomer.locator("main form button[type=submit]").click()
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)",
                        mail.outbox[-1].body).group(1)
    newcomer.goto(confirm)
    newcomer.locator("main form button[type=submit]").click()
    expect(newcomer).to_have_url(re.compile(re.escape(link) + "$"))
    newcomer.get_by_role("button", name=say(language, "Accept")).click()
    expect(newcomer).to_have_url(re.compile(r"/dashboard/$"))
    screenshot(newcomer, f"members-joined-{language}")
    assert Membership.objects.get(user__email="new.hire@example.com", organization=org).role \
        == "member"
