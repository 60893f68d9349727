"""The left column's boxes, each drawn into its own region from its view-model value.

Every function clears its region first and paints only inside it, so the renderer can
redraw one box and leave the rest of the frame untouched.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import ImageDraw

from leeloo.core.musiccard import MusicBox
from leeloo.core.screen import CrewBox, GaugeScale, HeaderBox, TimeBox, WeatherBox
from leeloo.device.render import layout
from leeloo.device.render.fonts import Fonts
from leeloo.device.render.lettering import width_of, wrap, write, write_centred, write_right

TEXT_WIDTH = layout.BOX_RIGHT - 4 - layout.TEXT_LEFT


def frame_box(draw: ImageDraw.ImageDraw, spec: layout.BoxSpec, fonts: Fonts) -> None:
    """Clear the box's region, draw its 2 px border and the label that breaks the top edge."""
    draw.rectangle(spec.region, fill=layout.BACKGROUND)
    draw.rectangle(spec.outline, outline=spec.colour, width=2)
    width = width_of(spec.label, fonts.label)
    draw.rectangle(
        (layout.LABEL_X - 3, spec.top - 6, layout.LABEL_X + width + 2, spec.top + 6),
        layout.BACKGROUND,
    )
    draw.text((layout.LABEL_X, spec.top - 7), spec.label, font=fonts.label, fill=spec.colour)


def draw_cells(
    draw: ImageDraw.ImageDraw, x: int, y: int, filled: int, colours: Sequence[layout.Colour]
) -> None:
    """A bar of len(colours) boxes from x; the first `filled` lit, the rest at 30 %."""
    for i, colour in enumerate(colours):
        left = x + i * layout.PITCH
        fill = colour if i < filled else layout.dim(colour)
        draw.rectangle((left, y, left + layout.CELL - 1, y + layout.CELL - 1), fill=fill)


def draw_bar_right(
    draw: ImageDraw.ImageDraw, y: int, filled: int, colours: Sequence[layout.Colour]
) -> None:
    """A bar whose last box ends at BAR_RIGHT."""
    x = layout.BAR_RIGHT - (len(colours) - 1) * layout.PITCH - layout.CELL + 1
    draw_cells(draw, x, y, filled, colours)


def draw_header(draw: ImageDraw.ImageDraw, box: HeaderBox, fonts: Fonts) -> None:
    """The left column's top edge, broken by the title and the link status."""
    x0, y0, x1, y1 = layout.HEADER_REGION
    draw.rectangle((x0, y0, x1, y1), fill=layout.BACKGROUND)
    draw.line((x0, layout.LEFT_COLUMN[1], x1, layout.LEFT_COLUMN[1]), fill=layout.LAVENDER)
    title_w = width_of(box.title, fonts.header)
    draw.rectangle((6, 0, 8 + title_w + 2, 8), fill=layout.BACKGROUND)
    draw.text((8, -1), box.title, font=fonts.header, fill=layout.LAVENDER)
    if box.status:
        colour = layout.ROSE if box.alert else layout.LAVENDER
        status_w = width_of(box.status, fonts.header)
        draw.rectangle(
            (layout.BOX_RIGHT - status_w - 4, 0, layout.BOX_RIGHT + 1, 8), fill=layout.BACKGROUND
        )
        write_right(draw, layout.BOX_RIGHT - 1, -1, box.status, fonts.header, colour, 140)


def draw_weather(draw: ImageDraw.ImageDraw, box: WeatherBox, fonts: Fonts) -> None:
    spec = layout.WEATHER
    frame_box(draw, spec, fonts)
    if not box.gauges:
        write_centred(draw, 111, spec.top + 22, box.message, fonts.small, spec.colour, TEXT_WIDTH)
        return
    for row, gauge in enumerate(box.gauges):
        y = spec.top + 8 + row * 16
        write(draw, (layout.TEXT_LEFT, y), gauge.label, fonts.small, spec.colour, 72)
        colours = layout.UV_COLOURS if gauge.scale is GaugeScale.UV else (spec.colour,) * 12
        draw_bar_right(draw, y + 3, gauge.filled, colours)


def draw_time(draw: ImageDraw.ImageDraw, box: TimeBox, fonts: Fonts) -> None:
    spec = layout.TIME
    colour = spec.colour
    frame_box(draw, spec, fonts)
    top = spec.top
    draw.text((layout.TEXT_LEFT, top + 8), box.clock, font=fonts.small, fill=colour)
    write_centred(draw, 112, top + 8, box.date, fonts.small, colour, 90)
    write_right(draw, layout.BAR_RIGHT, top + 8, "moon", fonts.small, colour, 40)
    draw_cells(draw, layout.TEXT_LEFT, top + 25, box.seconds_filled, (colour,) * 6)
    draw_bar_right(draw, top + 25, box.moon_filled, (colour,) * 6)
    when_width = 0
    if box.hang_when:
        when_width = width_of(box.hang_when, fonts.small) + 7
        write_right(draw, layout.BAR_RIGHT, top + 38, box.hang_when, fonts.small, colour, 80)
    title_width = TEXT_WIDTH - when_width
    write(draw, (layout.TEXT_LEFT, top + 38), box.hang, fonts.small, colour, title_width)
    write(draw, (layout.TEXT_LEFT, top + 53), box.countdown, fonts.small, colour, 104)
    if box.countdown:
        draw_bar_right(draw, top + 56, box.countdown_filled, (colour,) * 9)


def draw_crew(draw: ImageDraw.ImageDraw, box: CrewBox, fonts: Fonts) -> None:
    spec = layout.CREW
    frame_box(draw, spec, fonts)
    y = spec.top + 8
    if not box.chips:
        write(draw, (layout.TEXT_LEFT, y), box.message, fonts.small, layout.GREY, TEXT_WIDTH)
        return
    x = layout.TEXT_LEFT
    for chip, slot in zip(box.chips, chip_slots(box, fonts), strict=True):
        badge_w = write(draw, (x, y - 2), chip.badge, fonts.badge, spec.colour, 30)
        name_x = x + badge_w + 1
        colour = layout.WHITE if chip.online else layout.GREY
        name_w = write(draw, (name_x, y), chip.name, fonts.small, colour, x + slot - name_x - 5)
        if chip.online and name_w:  # the online mark: a green underline
            draw.rectangle((name_x, y + 15, name_x + name_w - 1, y + 16), fill=layout.GREEN)
        x += slot


def chip_slots(box: CrewBox, fonts: Fonts) -> list[int]:
    """Widths of the crew chips: what each needs plus a fair share of the rest, or equal."""
    room = layout.BAR_RIGHT - layout.TEXT_LEFT + 5
    needs = [6 + width_of(c.badge, fonts.badge) + width_of(c.name, fonts.small) for c in box.chips]
    spare = room - sum(needs)
    if spare < 0:
        return [room // len(needs)] * len(needs)
    return [need + spare // len(needs) for need in needs]


def draw_music(draw: ImageDraw.ImageDraw, box: MusicBox, fonts: Fonts) -> None:
    spec = layout.MUSIC
    frame_box(draw, spec, fonts)
    top, colour = spec.top, spec.colour
    write(draw, (layout.TEXT_LEFT, top + 9), box.headline, fonts.headline, colour, TEXT_WIDTH)
    write(draw, (layout.TEXT_LEFT, top + 27), box.title, fonts.headline, colour, TEXT_WIDTH)
    details: tuple[str, ...] = (box.detail, box.extra)
    if not box.extra:  # a long reason may take the extra line too
        details = wrap(box.detail, fonts.small, TEXT_WIDTH, 2)
    for row, text in enumerate(details):
        write(draw, (layout.TEXT_LEFT, top + 47 + row * 14), text, fonts.small, colour, TEXT_WIDTH)
    write(draw, (layout.TEXT_LEFT, top + 76), box.source, fonts.small, layout.ROSE, TEXT_WIDTH)
    if box.warning:
        draw.rectangle(
            (layout.TEXT_LEFT, top + 93, layout.TEXT_LEFT + 3, top + 100), fill=layout.ROSE
        )
        write(
            draw,
            (layout.TEXT_LEFT + 7, top + 91),
            box.warning,
            fonts.small,
            layout.WHITE,
            TEXT_WIDTH - 7,
        )
