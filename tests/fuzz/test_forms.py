"""Every form engcert defines, fed generated input for each of its fields: text with control
characters, NUL bytes, right-to-left marks and a hundred thousand characters; numbers out of any
range; dates far away; choices that are none of the offered ones; files of random bytes.

`is_valid()` never raises and the form renders with its errors; invalid input gives errors
named by field; valid input is cleaned within the field's limits and without NUL (which
PostgreSQL refuses in text). A form added to engcert is found by walking its modules, so a
form this test cannot build fails here until it is given its arguments below."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engcert
from engcert.accounts.models import User
from engcert.apiclients.enums import ApiScope
from engcert.appeals.domain import PoolEntry
from engcert.appeals.enums import SendBackStage
from engcert.applications.models import Application, Project
from engcert.batches.models import Batch
from engcert.cpd.selectors import cpd_rule_get
from engcert.demo import builders
from engcert.frameworks.models import CompetencyArea, Grade, ScaleLevel
from engcert.organisations.models import Discipline, Organisation
from engcert.referees.enums import ClaimKind
from engcert.referees.models import RefereeClaim
from engcert.registration.models import PackageItem, Registration
from tests.conftest import World

EXAMPLES_PER_FORM = 4  # × 93 forms: a few hundred submissions, 9–20 s on PostgreSQL depending on load
STANDARD = {"self", "args", "kwargs", "data", "files", "auto_id", "prefix", "initial", "error_class",
            "label_suffix", "empty_permitted", "field_order", "use_required_attribute", "renderer",
            "bound_field_class", "instance"}  # fmt: skip


def engcert_forms() -> dict[str, type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for module in pkgutil.walk_packages(engcert.__path__, "engcert."):
        if ".migrations" in module.name or module.name.endswith((".settings", ".wsgi")):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if not (inspect.isclass(value) and issubclass(value, forms.BaseForm)):
                continue
            if value.__module__ != loaded.__name__:
                continue
            if issubclass(value, forms.BaseModelForm) and value._meta.model is None:
                continue  # a base for the model forms below it, never shown itself
            found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


# --- The arguments forms are built with ---------------------------------------------------------


class Context:
    """A small world of real rows that forms choose from: a society's batch, a draft
    application with a project, a registration, a referee's claims, a package item."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.application = builders.application_complete_draft(
            batch=world.batch,
            applicant=world.applicant,
            person=builders.Person("王伟", True, date(1985, 3, 14), world.unit.name),
            unit=world.unit,
        )
        version = world.batch.framework_version
        self.areas = list(CompetencyArea.objects.filter(framework_version=version).order_by("number"))
        self.scale = list(ScaleLevel.objects.filter(framework_version=version).order_by("value"))
        self.grades = list(world.batch.grades.order_by("position"))
        self.registration = Registration.objects.create(
            member_number="CEA-FUZZ-1", holder=world.applicant, full_name="王伟", email=world.applicant.email,
            society=world.society, grade=self.grades[0], registered_at=timezone.now(),
        )  # fmt: skip
        self.claims = [RefereeClaim(pk=index, kind=ClaimKind.PROJECT) for index in (1, 2)]

    def arguments(self) -> dict[str, Callable[[], Any]]:
        world = self.world
        batches = Batch.objects.filter(society=world.society)
        people = User.objects.filter(pk__in=[world.staff.pk, world.committee.pk, world.examiner.pk])
        applications = Application.objects.filter(pk=self.application.pk)
        return {
            "application": lambda: self.application,
            "today": lambda: date(2026, 1, 5),
            "batch": lambda: world.batch,
            "society": lambda: world.society,
            "batches": lambda: batches,
            "grades": lambda: self.grades,
            "disciplines": lambda: list(Discipline.objects.filter(society=world.society)[:5]),
            "units": lambda: Organisation.objects.filter(pk__in=[world.unit.pk, world.other_unit.pk]),
            "people": lambda: people,
            "candidates": lambda: applications,
            "waiting": lambda: applications,
            "areas": lambda: self.areas,
            "scale": lambda: self.scale,
            "grade_applied": lambda: self.grades[-1],
            "lower_grades": lambda: self.grades[:-1],
            "projects": lambda: Project.objects.filter(application=self.application),
            "initial_text": lambda: {},
            "initial_projects": lambda: {},
            "scopes": lambda: tuple(ApiScope),
            "stages": lambda: tuple(SendBackStage),
            "pool": lambda: [PoolEntry(user=user) for user in people],
            "size": lambda: 2,
            "registrations": lambda: [self.registration],
            "activity": lambda: None,
            "rule": lambda: cpd_rule_get(society=world.society),
            "with_reason": lambda: True,
            "area_labels": lambda: {area.number: area.name for area in self.areas},
            "working_days": lambda: 5,
            "claims": lambda: self.claims,
            "old_email": lambda: "old@example.com",
            "items": lambda: PackageItem.objects.all(),
            "expected_name": lambda: "王伟",
            "endorsement_applies": lambda: True,
            "expired": lambda: False,
        }


# Where the same argument name means a list in one form and a queryset in another.
OVERRIDES: dict[str, dict[str, Callable[[Context], Any]]] = {
    "engcert.notices.forms.PublishForm": {"candidates": lambda c: [c.application]},
    "engcert.certificates.forms.CertificateFilterForm": {
        "grades": lambda c: Grade.objects.filter(pk__in=[g.pk for g in c.grades])
    },
}


def _keyword_arguments(form_class: type[forms.BaseForm]) -> list[str]:
    """The arguments a form's __init__ takes besides Django's, through the classes that pass
    **kwargs on to their parent's."""
    names: list[str] = []
    for klass in form_class.__mro__:
        if "__init__" not in vars(klass) or klass.__module__.startswith("django."):
            continue
        parameters = inspect.signature(klass.__init__).parameters  # type: ignore[misc]
        names += [name for name in parameters if name not in STANDARD and name not in names]
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            break
    return names


def build(form_class: type[forms.BaseForm], context: Context, **bound: Any) -> forms.BaseForm:
    wanted = _keyword_arguments(form_class)
    arguments = context.arguments()
    overrides = OVERRIDES.get(f"{form_class.__module__}.{form_class.__qualname__}", {})
    kwargs = {name: overrides[name](context) if name in overrides else arguments[name]() for name in wanted}
    if "data" not in bound and _takes_data_first(form_class):
        bound["data"] = MultiValueDict()  # a filter form, always bound to the query string
    return form_class(**bound, **kwargs)


def _takes_files(form_class: type[forms.BaseForm]) -> bool:
    parameters = inspect.signature(form_class.__init__).parameters
    return "files" in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def _takes_data_first(form_class: type[forms.BaseForm]) -> bool:
    parameter = inspect.signature(form_class.__init__).parameters.get("data")
    return parameter is not None and parameter.default is inspect.Parameter.empty


# --- Generated input ------------------------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "", " ", "\x00", "a\x00b", "\u202eevil\u202c", "\ufeff", "\u200b", "𠀀𪜀", "🧑‍🔧", "\r\n\t",
        "x" * 100_000, "<script>alert(1)</script>", "{{ 7*7 }}", "{% debug %}", "=HYPERLINK(\"http://x\",\"y\")",
        "-1", "0", "99999999999999999999999999", "1e999", "NaN", "-inf", "0000-00-00", "9999-12-31",
        "0001-01-01", "2025-02-30", "25:61", "true", "on", "null", "[]", "../../etc/passwd", "%s%n",
    ]
)  # fmt: skip
ANY_TEXT = NASTY | st.text(max_size=300) | st.text(st.characters(max_codepoint=0x1F), max_size=20)


def _choices(field: forms.Field) -> list[str]:
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        key = field.to_field_name or "pk"
        return [str(value) for value in field.queryset.values_list(key, flat=True)[:6]]
    values: list[str] = []
    for value, label in getattr(field, "choices", []):
        if isinstance(label, list | tuple):  # an option group
            values.extend(str(inner) for inner, _ in label)
        else:
            values.append(str(value))
    return values


def _fits_the_database(text: str) -> bool:
    """Django's SQLite backend raises OverflowError for a primary key beyond 64 bits (its
    PostgreSQL backend finds nothing, as it should); engcert runs on PostgreSQL, where the
    test gives such keys too."""
    if connection.vendor != "sqlite":
        return True
    try:
        return -(2**63) <= int(text.strip()) < 2**63
    except ValueError:
        return True


def field_values(field: forms.Field) -> st.SearchStrategy[list[str]]:
    if isinstance(field, forms.ModelChoiceField):
        choices = _choices(field)
        one = (st.sampled_from(choices) | ANY_TEXT.filter(_fits_the_database)) if choices else ANY_TEXT
        if isinstance(field, forms.ModelMultipleChoiceField):
            return st.lists(one, max_size=4)
    elif isinstance(field, forms.MultipleChoiceField):
        choices = _choices(field)
        one = (st.sampled_from(choices) | ANY_TEXT) if choices else ANY_TEXT
        return st.lists(one, max_size=4)
    elif isinstance(field, forms.ChoiceField):
        choices = _choices(field)
        one = (st.sampled_from(choices) | ANY_TEXT) if choices else ANY_TEXT
    elif isinstance(field, forms.BooleanField | forms.NullBooleanField):
        one = st.sampled_from(["on", "true", "false", "", "1", "0"]) | ANY_TEXT
    elif isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        one = st.integers().map(str) | st.decimals(allow_nan=True).map(str) | ANY_TEXT
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        one = (
            st.dates().map(date.isoformat)
            | st.datetimes().map(lambda moment: moment.isoformat(" "))
            | ANY_TEXT
        )
    elif isinstance(field, forms.TimeField):
        one = st.times().map(lambda moment: moment.isoformat()) | ANY_TEXT
    elif isinstance(field, forms.EmailField):
        one = st.emails().map(str) | ANY_TEXT
    else:
        one = ANY_TEXT
    return (
        st.lists(one, min_size=0, max_size=1) if field.required is False else one.map(lambda value: [value])
    )


UPLOADS = st.builds(
    lambda content, name: SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    st.binary(max_size=2000) | st.sampled_from([b"%PDF-1.4\n%%EOF", b"\x89PNG\r\n\x1a\n" + bytes(40)]),
    st.sampled_from(
        ["evidence.pdf", "photo.png", "名单.xlsx", "x" * 300 + ".pdf", "../../a.pdf", "a\x00.pdf"]
    ),
)


@st.composite
def submissions(
    draw: st.DrawFn, form: forms.BaseForm
) -> tuple[MultiValueDict[str, Any], MultiValueDict[str, Any]]:
    data: dict[str, list[Any]] = {}
    files: dict[str, list[Any]] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.FileField):
            if draw(st.booleans()):
                files[key] = [draw(UPLOADS)]
            continue
        if isinstance(field, forms.MultiValueField):
            for index in range(len(field.fields)):
                data[f"{key}_{index}"] = [draw(ANY_TEXT)]
            continue
        if draw(st.integers(0, 9)) == 0:
            continue  # left out of the submission altogether
        data[key] = draw(field_values(field))
    return MultiValueDict(data), MultiValueDict(files)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list | tuple | set):
        return [s for item in value for s in _strings(item)]
    return []


def check(form: forms.BaseForm) -> None:
    valid = form.is_valid()
    form.render()  # the errors beside their fields, as the page shows them
    if not valid:
        assert form.errors
        assert set(form.errors) <= {*form.fields, "__all__"}
        return
    for name, value in form.cleaned_data.items():
        field = form.fields.get(name)
        assert all("\x00" not in text for text in _strings(value)), name
        if isinstance(field, forms.CharField) and field.max_length and isinstance(value, str):
            assert len(value) <= field.max_length, name
        if isinstance(field, forms.IntegerField | forms.DecimalField) and isinstance(value, int | Decimal):
            if field.max_value is not None:
                assert value <= field.max_value, name
            if field.min_value is not None:
                assert value >= field.min_value, name


def fuzz(form_class: type[forms.BaseForm], context: Context) -> None:
    template = build(form_class, context)

    @settings(max_examples=EXAMPLES_PER_FORM, database=None, suppress_health_check=list(HealthCheck))
    @given(submitted=submissions(template))
    def run(submitted: tuple[MultiValueDict[str, Any], MultiValueDict[str, Any]]) -> None:
        data, files = submitted
        bound = {"data": data, "files": files} if _takes_files(form_class) else {"data": data}
        check(build(form_class, context, **bound))

    run()


def test_every_form_is_found_built_and_survives_generated_input(world: World) -> None:
    found = engcert_forms()
    context = Context(world)
    failures: list[str] = []
    for name, form_class in sorted(found.items()):
        try:
            fuzz(form_class, context)
        except Exception as error:
            failures.append(f"{name}: {type(error).__name__}: {str(error)[-600:]}")

    assert len(found) >= 90
    assert failures == []
