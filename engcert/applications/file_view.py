"""An application read as a file: each section as labelled values, and what changed between two
submissions.

Both read the plain data of `domain.snapshot` (a stored snapshot, or the application as it is now),
so what staff read and what the comparison shows come from one description of the form. Labels
and choice names are looked up when shown, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from engcert.applications.domain.snapshot import (
    APPLICATION_FIELDS,
    COMPETENCY_FIELDS,
    PLEDGE_FIELDS,
    ROW_SECTIONS,
)
from engcert.applications.models import Application, CompetencyStatement, PledgeSignature, PledgeText
from engcert.applications.sections import SECTION_BY_KEY, SECTIONS, Section
from engcert.organisations.models import in_reader_language

EMPTY = "—"


@dataclass(frozen=True)
class ShownValue:
    label: str
    text: str
    long: bool = False
    file_uid: str = ""  # an attachment the reader can open


@dataclass(frozen=True)
class ShownRow:
    key: str
    title: str
    values: list[ShownValue]
    file_uid: str = ""


@dataclass(frozen=True)
class ShownSection:
    section: Section
    values: list[ShownValue]
    rows: list[ShownRow]
    has_rows: bool

    @property
    def is_empty(self) -> bool:
        return not self.values and not self.rows


# Where each section's labels come from ----------------------------------------------------------


def _field(section: str, name: str, *, in_row: bool) -> models.Field[Any, Any] | None:
    model: type[models.Model]
    if in_row and section in ROW_SECTIONS:
        model = ROW_SECTIONS[section].model
    elif in_row and section == "competency":
        model = CompetencyStatement
    elif section == "pledge":
        model = PledgeText if name == "version" else PledgeSignature
    else:
        model = Application
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _label(section: str, name: str, *, in_row: bool) -> str:
    found = _field(section, name, in_row=in_row)
    if found is None:
        return name
    if section == "pledge" and name == "version":
        return _("Pledge version")
    return str(capfirst(found.verbose_name))


def _is_long(section: str, name: str, *, in_row: bool) -> bool:
    return isinstance(_field(section, name, in_row=in_row), models.TextField)


def shown_text(section: str, name: str, value: Any, *, in_row: bool) -> str:
    """A stored value as a reader sees it: choice names, yes or no, names in their language."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return in_reader_language(str(value.get("text", "")), str(value.get("text_en", ""))) or EMPTY
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if name == "size" and isinstance(value, int):
        return str(filesizeformat(value))
    if name == "sha256":
        return f"{str(value)[:12]}…"
    if name == "signed_at":
        return str(value).replace("T", " ")[:16]
    found = _field(section, name, in_row=in_row)
    if found is not None and found.choices:
        return str(dict(found.flatchoices).get(value, value))
    return str(value)


def _file_uid(value: Any) -> str:
    return str(value.get("id", "")) if isinstance(value, dict) and "sha256" in value else ""


def _shown(section: str, name: str, value: Any, *, in_row: bool) -> ShownValue:
    return ShownValue(
        label=_label(section, name, in_row=in_row),
        text=shown_text(section, name, value, in_row=in_row),
        long=_is_long(section, name, in_row=in_row),
        file_uid=_file_uid(value),
    )


def _title_fields(section: str) -> tuple[str, ...]:
    if section in ROW_SECTIONS:
        return ROW_SECTIONS[section].title_fields
    if section == "competency":
        return ("area",)
    return ()


def row_title(section: str, row: dict[str, Any]) -> str:
    values = row.get("values", {})
    if section == "competency":
        return f"{row.get('key', '')}. {shown_text(section, 'area', values.get('area'), in_row=True)}"
    parts = [
        shown_text(section, name, values.get(name), in_row=True)
        for name in _title_fields(section)
        if values.get(name) not in (None, "")
    ]
    return " · ".join(parts) or _("(untitled entry)")


def _shown_row(section: str, row: dict[str, Any], *, skip_title: bool) -> ShownRow:
    skip = set(_title_fields(section)) if skip_title else set()
    values = [
        _shown(section, name, value, in_row=True)
        for name, value in _ordered(section, row.get("values", {}), in_row=True)
        if name not in skip
    ]
    return ShownRow(
        key=str(row.get("key", "")),
        title=row_title(section, row),
        values=values,
        file_uid=str(row.get("key", "")) if section == "attachments" else "",
    )


def _field_order(section: str, *, in_row: bool) -> tuple[str, ...]:
    if in_row:
        if section in ROW_SECTIONS:
            return ROW_SECTIONS[section].fields
        return COMPETENCY_FIELDS if section == "competency" else ()
    if section == "pledge":
        return PLEDGE_FIELDS
    return APPLICATION_FIELDS.get(section, ())


def _ordered(section: str, values: dict[str, Any], *, in_row: bool) -> list[tuple[str, Any]]:
    """The stored values in the form's order: a database may hand back a JSON object's keys in
    an order of its own (PostgreSQL's jsonb does)."""
    order = _field_order(section, in_row=in_row)
    known = [(name, values[name]) for name in order if name in values]
    return known + [(name, value) for name, value in values.items() if name not in order]


def _section_data(data: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = data.get("sections", {}).get(key) or {}
    return found


# The whole file ---------------------------------------------------------------------------------


def file_sections(data: dict[str, Any]) -> list[ShownSection]:
    """Every section of the form, in its order, with its values and rows."""
    shown = []
    for section in SECTIONS:
        stored = _section_data(data, section.key)
        shown.append(
            ShownSection(
                section=section,
                values=[
                    _shown(section.key, name, value, in_row=False)
                    for name, value in _ordered(section.key, stored.get("fields", {}), in_row=False)
                ],
                rows=[_shown_row(section.key, row, skip_title=True) for row in stored.get("rows", [])],
                has_rows=section.key in ROW_SECTIONS or section.key == "competency",
            )
        )
    return shown


# What changed -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    long: bool = False


@dataclass(frozen=True)
class RowDiff:
    status: str  # "added", "removed" or "changed"
    title: str
    changes: list[Change] = field(default_factory=list)
    values: list[ShownValue] = field(default_factory=list)


@dataclass(frozen=True)
class SectionDiff:
    section: Section
    changes: list[Change]
    rows: list[RowDiff]
    unchanged_rows: int

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.rows)

    @property
    def added(self) -> int:
        return sum(1 for row in self.rows if row.status == "added")

    @property
    def removed(self) -> int:
        return sum(1 for row in self.rows if row.status == "removed")

    @property
    def modified(self) -> int:
        return sum(1 for row in self.rows if row.status == "changed")


def _same(old: Any, new: Any) -> bool:
    """References compare by what they point at, not by the names they had."""
    if isinstance(old, dict) and isinstance(new, dict):
        if "index" in old or "index" in new:
            return old.get("index") == new.get("index")
        if "id" in old or "id" in new:
            return old.get("id") == new.get("id")
    return bool(old == new)


def _changes(section: str, old: dict[str, Any], new: dict[str, Any], *, in_row: bool) -> list[Change]:
    names = [name for name, _value in _ordered(section, {**old, **new}, in_row=in_row)]
    return [
        Change(
            label=_label(section, name, in_row=in_row),
            old=shown_text(section, name, old.get(name), in_row=in_row),
            new=shown_text(section, name, new.get(name), in_row=in_row),
            long=_is_long(section, name, in_row=in_row),
        )
        for name in names
        if not _same(old.get(name), new.get(name))
    ]


def snapshot_diff(old: dict[str, Any], new: dict[str, Any]) -> list[SectionDiff]:
    """Per section of the form: its own fields changed (old → new), rows added, removed or changed."""
    diffs = []
    for section in SECTIONS:
        before, after = _section_data(old, section.key), _section_data(new, section.key)
        old_rows = {str(row["key"]): row for row in before.get("rows", [])}
        new_rows = {str(row["key"]): row for row in after.get("rows", [])}
        rows: list[RowDiff] = []
        unchanged = 0
        for key, row in new_rows.items():
            previous = old_rows.get(key)
            if previous is None:
                rows.append(
                    RowDiff(
                        "added",
                        row_title(section.key, row),
                        values=_shown_row(section.key, row, skip_title=False).values,
                    )
                )
                continue
            changes = _changes(section.key, previous.get("values", {}), row.get("values", {}), in_row=True)
            if changes:
                rows.append(RowDiff("changed", row_title(section.key, row), changes=changes))
            else:
                unchanged += 1
        for key, row in old_rows.items():
            if key not in new_rows:
                rows.append(
                    RowDiff(
                        "removed",
                        row_title(section.key, row),
                        values=_shown_row(section.key, row, skip_title=False).values,
                    )
                )
        diffs.append(
            SectionDiff(
                section=SECTION_BY_KEY[section.key],
                changes=_changes(
                    section.key, before.get("fields", {}), after.get("fields", {}), in_row=False
                ),
                rows=rows,
                unchanged_rows=unchanged,
            )
        )
    return diffs
