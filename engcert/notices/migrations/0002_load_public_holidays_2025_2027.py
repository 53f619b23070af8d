"""China's public holidays and make-up working days (调休) for 2025, 2026 and 2027.

2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号).
2026: 国务院办公厅关于2026年部分节假日安排的通知 (published November 2025).
2027: NOT YET PUBLISHED when this was written: a best estimate from the lunar dates and the
rules of the 2025 and 2026 arrangements. Staff correct it on the calendar page (or in the
admin) when the State Council publishes the real one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import migrations

HOLIDAY, WORKDAY = "holiday", "workday"


def _span(first: date, last: date, name: str) -> list[tuple[date, str, str]]:
    days = []
    day = first
    while day <= last:
        days.append((day, HOLIDAY, name))
        day += timedelta(days=1)
    return days


def _work(day: date, name: str) -> tuple[date, str, str]:
    return (day, WORKDAY, f"{name}调休")


D = date
DAYS: list[tuple[date, str, str]] = [
    # 2025
    *_span(D(2025, 1, 1), D(2025, 1, 1), "元旦"),
    *_span(D(2025, 1, 28), D(2025, 2, 4), "春节"),
    _work(D(2025, 1, 26), "春节"),
    _work(D(2025, 2, 8), "春节"),
    *_span(D(2025, 4, 4), D(2025, 4, 6), "清明节"),
    *_span(D(2025, 5, 1), D(2025, 5, 5), "劳动节"),
    _work(D(2025, 4, 27), "劳动节"),
    *_span(D(2025, 5, 31), D(2025, 6, 2), "端午节"),
    *_span(D(2025, 10, 1), D(2025, 10, 8), "国庆节、中秋节"),
    _work(D(2025, 9, 28), "国庆节"),
    _work(D(2025, 10, 11), "国庆节"),
    # 2026
    *_span(D(2026, 1, 1), D(2026, 1, 3), "元旦"),
    _work(D(2026, 1, 4), "元旦"),
    *_span(D(2026, 2, 15), D(2026, 2, 23), "春节"),
    _work(D(2026, 2, 14), "春节"),
    _work(D(2026, 2, 28), "春节"),
    *_span(D(2026, 4, 4), D(2026, 4, 6), "清明节"),
    *_span(D(2026, 5, 1), D(2026, 5, 5), "劳动节"),
    _work(D(2026, 5, 9), "劳动节"),
    *_span(D(2026, 6, 19), D(2026, 6, 21), "端午节"),
    *_span(D(2026, 9, 25), D(2026, 9, 27), "中秋节"),
    *_span(D(2026, 10, 1), D(2026, 10, 7), "国庆节"),
    _work(D(2026, 9, 20), "国庆节"),
    _work(D(2026, 10, 10), "国庆节"),
    # 2027: ESTIMATE (see the module's docstring), to be replaced by the published arrangement.
    *_span(D(2027, 1, 1), D(2027, 1, 3), "元旦"),
    *_span(D(2027, 2, 5), D(2027, 2, 13), "春节"),
    _work(D(2027, 1, 31), "春节"),
    _work(D(2027, 2, 20), "春节"),
    *_span(D(2027, 4, 3), D(2027, 4, 5), "清明节"),
    *_span(D(2027, 5, 1), D(2027, 5, 5), "劳动节"),
    _work(D(2027, 5, 8), "劳动节"),
    *_span(D(2027, 6, 9), D(2027, 6, 9), "端午节"),
    *_span(D(2027, 9, 15), D(2027, 9, 15), "中秋节"),
    *_span(D(2027, 10, 1), D(2027, 10, 7), "国庆节"),
    _work(D(2027, 9, 26), "国庆节"),
    _work(D(2027, 10, 9), "国庆节"),
]


def load(apps: Any, schema_editor: Any) -> None:
    CalendarDay = apps.get_model("notices", "CalendarDay")
    for day, kind, name in DAYS:
        # Weekend days inside a holiday span are listed too (they carry the holiday's name);
        # they are not working days either way.
        CalendarDay.objects.update_or_create(day=day, defaults={"kind": kind, "name": name})


def unload(apps: Any, schema_editor: Any) -> None:
    CalendarDay = apps.get_model("notices", "CalendarDay")
    CalendarDay.objects.filter(day__in=[day for day, _kind, _name in DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_notices_calendar_objections")]

    operations = [migrations.RunPython(load, unload)]
