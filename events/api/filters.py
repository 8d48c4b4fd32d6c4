import django_filters

from events.models import Notification


class NotificationFilter(django_filters.FilterSet):
    # A ChoiceFilter, not a BooleanFilter: that one ignores a value it cannot read, where a
    # typo here should be a 400.
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_unread",
        help_text="true: only unread notifications; false: only read ones.",
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")
