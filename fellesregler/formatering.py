"""Norwegian formatting: the course name, numbers, points, dates and Oslo time (standard library only)."""
from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

__all__ = [
    "COURSE_NAME",
    "MONTHS",
    "OSLO",
    "desimaltall",
    "norsk_dato",
    "oslo_tid",
    "oslo_tz",
    "parse_local",
    "poeng",
    "prosent",
    "tall",
]

#: The course name, as it stands on every report, guide, feedback page and certificate.
COURSE_NAME = "Nyskapende arbeidsgivere"
#: The course's time zone: deadlines, submission times and dates are Norwegian time.
OSLO = "Europe/Oslo"
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember")


def oslo_tz() -> ZoneInfo:
    """The Europe/Oslo time zone."""
    return ZoneInfo(OSLO)


def tall(x: float, desimaler: int = 0) -> str:
    """Format a number the Norwegian way: space as thousands separator, comma as decimal mark."""
    s = f"{x:,.{desimaler}f}"
    return s.replace(",", "\u00a0").replace(".", ",")


def poeng(x: object) -> str:
    """Norwegian number for points: 2.5 -> '2,5', 3.0 -> '3', None -> '–'."""
    if x is None:
        return "–"
    try:
        val = round(float(x), 2)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(x)
    text = f"{val:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "−")


def desimaltall(value: object, decimals: int = 1, strip: bool = False) -> str:
    """Norwegian number text: 66.7 -> '66,7'; with strip, 3.0 -> '3'; None or NaN -> ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{float(value):.{decimals}f}"  # type: ignore[arg-type]
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def prosent(value: float) -> str:
    """A percentage with one decimal: 66.66 -> '66,7 %'."""
    return f"{value:.1f}".replace(".", ",") + " %"


def norsk_dato(day: dt.date) -> str:
    """28. november 2026"""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def oslo_tid(value: dt.datetime | None) -> str:
    """A time in Norwegian time, e.g. '01.12.2026 kl. 23:59'; naive values are UTC."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(oslo_tz()).strftime("%d.%m.%Y kl. %H:%M")


def parse_local(text: str) -> dt.datetime:
    """Parse a Norwegian or ISO date/time (local time Europe/Oslo) to an aware datetime.

    Accepts ``2026-12-01``, ``2026-12-01 23:59``, ``2026-12-01T23:59``,
    ``01.12.2026`` and ``01.12.2026 23:59``. A date alone means 23:59.
    """
    text = text.strip()
    formats = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
               "%d.%m.%Y %H:%M", "%d.%m.%Y kl. %H:%M", "%Y-%m-%d", "%d.%m.%Y")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        value = None
        for fmt in formats:
            try:
                value = dt.datetime.strptime(text, fmt)
                if "%H" not in fmt:
                    value = value.replace(hour=23, minute=59)
                break
            except ValueError:
                continue
        if value is None:
            raise ValueError(f"Forstår ikke tidspunktet «{text}». Skriv for eksempel 2026-12-01 23:59 "
                             "eller 01.12.2026 23:59.")
    else:
        if len(text) == 10:
            value = value.replace(hour=23, minute=59)
    if value.tzinfo is None:
        value = value.replace(tzinfo=oslo_tz())
    return value
