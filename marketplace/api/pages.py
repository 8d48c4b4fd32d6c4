"""Lists that detail actions answer, paginated like every list of the API."""


def paginated(view, rows, serializer_class):
    """A detail action's list as a page object, like every list of the API (and as the
    schema says): `page`/`page_size`, in the order `rows` has."""
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(serializer_class(page, many=True).data)
