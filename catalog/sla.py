"""Review time limits in business days: mainland China's working calendar (weekends and public
holidays off, make-up working weekend days on)."""

from datetime import datetime, timedelta

import holidays
from django.conf import settings
from django.utils import timezone

_calendars = {}


def _holidays(year):
    if year not in _calendars:
        _calendars[year] = holidays.country_holidays("CN", years=year)
    return _calendars[year]


def is_business_day(day):
    # The official calendar, not just Monday to Friday: public holidays are off, and the
    # weekend days worked in exchange for a longer holiday (调休) are working days.
    return _holidays(day.year).is_working_day(day)


def add_business_days(moment, days):
    """`moment` plus `days` business days, at the same local time of day."""
    local = timezone.localtime(moment)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return timezone.make_aware(datetime.combine(day, local.time()), local.tzinfo)


def review_due_at(start):
    return add_business_days(start, settings.REVIEW_SLA_BUSINESS_DAYS)


def reminder_at(due):
    """When to remind the reviewer: a set number of business days before the due time."""
    local = timezone.localtime(due)
    day = local.date()
    remaining = settings.REVIEW_REMINDER_BUSINESS_DAYS_BEFORE
    while remaining > 0:
        day -= timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return timezone.make_aware(datetime.combine(day, local.time()), local.tzinfo)


def reminder_window_end(now):
    """A bound for queries: no deadline at or after this has reached its reminder time by
    `now`. Business days do not map to SQL, so callers filter by this bound, then check
    reminder_at exactly."""
    return add_business_days(now, settings.REVIEW_REMINDER_BUSINESS_DAYS_BEFORE + 1)


def sla_status(due, now=None):
    """on_track, due_soon (reminder time passed) or overdue; None when there is no deadline."""
    if due is None:
        return None
    now = now or timezone.now()
    if now >= due:
        return "overdue"
    if now >= reminder_at(due):
        return "due_soon"
    return "on_track"
