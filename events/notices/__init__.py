"""Notices to people of the events of the apps below: who is told of each step, in the inbox
and by email. The apps whose events they are know nothing of them: events subscribes these
consumers in its ready()."""

from . import accounts, catalog, marketplace, maturity


def register():
    catalog.register()
    marketplace.register()
    maturity.register()
    accounts.register()
