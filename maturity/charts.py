"""Geometry of the inline SVG charts. Functions here turn figures into coordinates; the
templates in templates/maturity/charts/ draw them, so pages need no JavaScript and every
chart also has its figures in a table or list beside it."""

import math


def _fmt(value):
    return f"{value:.1f}"


def _points(pairs):
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pairs)


def radar(axes, max_value=5, size=420, margin=70, label_room=110):
    """A radar of `axes`: [(label, value 0..max_value or None)]. None is drawn at 0.
    `label_room` widens the picture on both sides for the axis labels."""
    count = len(axes)
    centre_x, centre_y = size / 2 + label_room, size / 2
    radius = size / 2 - margin

    def at(index, value):
        angle = -math.pi / 2 + 2 * math.pi * index / max(count, 1)
        distance = radius * (value or 0) / max_value
        return centre_x + distance * math.cos(angle), centre_y + distance * math.sin(angle)

    rings = []
    for step in range(1, max_value + 1):
        label_x, label_y = at(0, step)
        rings.append({"value": step, "points": _points(at(i, step) for i in range(count)),
                      "label_x": _fmt(label_x + 4), "label_y": _fmt(label_y - 2)})
    spokes = []
    for index, (label, value) in enumerate(axes):
        end_x, end_y = at(index, max_value)
        label_x, label_y = at(index, max_value * (radius + 22) / radius)
        dot_x, dot_y = at(index, value)
        offset = label_x - centre_x
        anchor = "middle" if abs(offset) < 8 else ("start" if offset > 0 else "end")
        spokes.append({
            "label": label, "value": value, "x": _fmt(end_x), "y": _fmt(end_y),
            "label_x": _fmt(label_x), "label_y": _fmt(label_y + 4), "anchor": anchor,
            "dot_x": _fmt(dot_x), "dot_y": _fmt(dot_y),
        })
    return {
        "width": size + 2 * label_room, "height": size,
        "centre_x": _fmt(centre_x), "centre_y": _fmt(centre_y), "rings": rings,
        "spokes": spokes,
        "shape": _points(at(i, value) for i, (_label, value) in enumerate(axes)),
    }


def bars(items, max_value=None, width=640, label_width=200, row_height=22):
    """Horizontal bars: `items` are (label, value) pairs, scaled to the largest value (or to
    `max_value`)."""
    plot = width - label_width - 70
    top = max_value if max_value is not None else max((v or 0 for _l, v in items), default=0)
    rows = [
        {"label": label, "value": value, "y": str(index * row_height + 4),
         "text_y": str(index * row_height + 15),
         "width": _fmt(min(plot, plot * (value or 0) / top) if top else 0)}
        for index, (label, value) in enumerate(items)
    ]
    return {"width": width, "height": len(rows) * row_height + 4, "rows": rows,
            "label_x": label_width - 6, "x": label_width, "plot": plot,
            "value_x": width - 4}


def _tick_step(top, most=6):
    """A round step that gives at most `most` gridlines up to `top`."""
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if top / step <= most:
            return step
    return math.ceil(top / most)


def trend(months, series, width=640, height=220, pad_left=44, pad_right=28, pad_bottom=28,
          pad_top=12):
    """Lines over months. `series`: [(label, css_class, [value or None per month])], values
    in percent (of a target); the y axis runs to 100 or the highest value."""
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    top = max([100.0] + [v for _label, _cls, values in series for v in values if v is not None])
    step = _tick_step(top)
    top = math.ceil(top / step) * step
    x_step = plot_w / max(len(months) - 1, 1)

    def x(index):
        return pad_left + index * x_step if len(months) > 1 else pad_left + plot_w / 2

    def y(value):
        return pad_top + plot_h - plot_h * value / top

    lines = []
    for label, css_class, values in series:
        pairs = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        lines.append({"label": label, "class": css_class, "points": _points(pairs),
                      "dots": [{"x": _fmt(px), "y": _fmt(py)} for px, py in pairs]})
    ticks = [{"value": value, "y": _fmt(y(value))} for value in range(0, int(top) + 1, step)]
    every = max(1, math.ceil(len(months) / 8))
    labels = [{"text": month, "x": _fmt(x(i))} for i, month in enumerate(months)
              if i % every == 0 or i == len(months) - 1]
    return {"width": width, "height": height, "lines": lines, "ticks": ticks,
            "months": labels, "left": pad_left, "tick_x": pad_left - 6,
            "right": _fmt(width - pad_right), "baseline": _fmt(y(0)),
            "target_y": _fmt(y(100)), "label_y": height - 8}


def butterfly(rows, row_height=22, width=640, label_width=260):
    """Two-sided bars per row, demand to the left, supply to the right, each side scaled to
    its own maximum. `rows`: dicts with label, left, right."""
    half = (width - label_width) / 2 - 8
    left_top = max((row["left"] for row in rows), default=0) or 1
    right_top = max((row["right"] for row in rows), default=0) or 1
    centre = label_width + half + 8
    drawn = []
    for index, row in enumerate(rows):
        left = half * row["left"] / left_top
        right = half * row["right"] / right_top
        drawn.append({**row, "y": str(index * row_height + 4),
                      "text_y": str(index * row_height + 15),
                      "left_x": _fmt(centre - left), "left_w": _fmt(left),
                      "right_w": _fmt(right)})
    return {"width": width, "height": len(rows) * row_height + 4, "rows": drawn,
            "centre": _fmt(centre), "label_x": label_width - 6}
