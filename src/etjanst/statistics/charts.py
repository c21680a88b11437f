"""The geometry of the charts the statistics pages draw as SVG on the server
(templates statistics/_chart_*.html): no JavaScript and nothing from outside.
Every chart has a title and a text description for screen readers, and the
page shows the same numbers as a table beside it. A bar for a count under
the smallest number shown is not drawn (its height would tell the number)."""

from dataclasses import dataclass, field

from .figures import is_small

# Colours with at least 3:1 contrast against white and against each other's
# neighbours in the legend (WCAG 1.4.11); the legend names them in text.
COLOURS = ["#1f5f8b", "#b35900", "#1b6b3a"]
WIDTH = 640


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"
    rotate: bool = False


@dataclass
class Chart:
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, name)


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * step:
            return factor * step
    return value


def vertical_bars(
    *, title: str, description: str, categories: list[str], series: list[tuple[str, list[int]]]
) -> Chart:
    """Bars side by side per category (a time series, a distribution)."""
    left, right, top, bottom, height = 48, 8, 12, 70, 260
    chart = Chart(title=title, description=description, width=WIDTH, height=height)
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = _nice_max(max((v for _n, values in series for v in values), default=0))
    for i in range(5):  # gridlines with their values
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        chart.lines.append((left, y, WIDTH - right, y))
        chart.texts.append(Text(left - 6, y + 4, f"{value:g}", anchor="end"))
    n = max(len(categories), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.8 / max(len(series), 1), 1)
    label_every = max(1, round(n / 12))
    for c, category in enumerate(categories):
        for s, (name, values) in enumerate(series):
            value = values[c]
            if value and not is_small(value):
                h = plot_h * value / top_value
                chart.bars.append(
                    Bar(
                        x=left + c * slot + slot * 0.1 + s * bar_w,
                        y=top + plot_h - h,
                        width=bar_w,
                        height=h,
                        colour=COLOURS[s % len(COLOURS)],
                        title=f"{category}: {name} {value}",
                    )
                )
        if c % label_every == 0:
            chart.texts.append(
                Text(left + c * slot + slot / 2, top + plot_h + 14, category, "end", rotate=True)
            )
    if len(series) > 1:
        chart.legend = [(COLOURS[s % len(COLOURS)], name) for s, (name, _v) in enumerate(series)]
    return chart


def horizontal_bars(*, title: str, description: str, items: list[tuple[str, int, str]]) -> Chart:
    """One bar per row under its label (a funnel): (label, value, value as shown)."""
    row, left, right = 46, 8, 110
    chart = Chart(title=title, description=description, width=WIDTH, height=row * len(items) + 8)
    top_value = max((v for _l, v, _s in items), default=0) or 1
    for i, (label, value, as_shown) in enumerate(items):
        y = i * row + 4
        chart.texts.append(Text(left, y + 14, label))
        width = 0.0
        if value and not is_small(value):
            width = (WIDTH - left - right) * value / top_value
            chart.bars.append(Bar(left, y + 20, width, 18, COLOURS[0], f"{label}: {as_shown}"))
        chart.texts.append(Text(left + width + 6, y + 34, as_shown))
    return chart
