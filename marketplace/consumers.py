"""Marketplace reactions to events from other apps."""


def register():
    return None
