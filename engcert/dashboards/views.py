"""The staff's dashboards: across the society's batches, or for one batch; each table also as .xlsx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString

from engcert.accounts.models import User
from engcert.batches.models import Batch
from engcert.dashboards.access import get_batch_for_dashboard, get_society_for_dashboard
from engcert.dashboards.charts import bar_chart, funnel_chart
from engcert.dashboards.exports import table_workbook
from engcert.dashboards.selectors import Dashboard, Table, dashboard_batches, dashboard_get
from engcert.organisations.models import Organisation
from engcert.replica import reads_from_replica


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _chart(table: Table) -> SafeString | None:
    if not table.chart or not table.bars:
        return None
    chart_id = f"chart-{table.key}"
    if table.chart == "funnel":
        return funnel_chart(
            chart_id=chart_id, title=table.title, description=table.description, stages=table.bars
        )
    return bar_chart(
        chart_id=chart_id,
        title=table.title,
        description=table.description,
        bars=table.bars,
        suffix=table.value_suffix,
    )


def _page(request: HttpRequest, society: Organisation, batch: Batch | None) -> HttpResponse:
    board = dashboard_get(society=society, batch=batch)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "society": society,
            "batch": batch,
            "batches": dashboard_batches(society=society),
            "sections": [(table, _chart(table)) for table in board.tables],
        },
    )


# Dashboards count what has happened; a moment's lag is fine, so a replica may serve them.
@reads_from_replica
@login_required
def dashboard(request: HttpRequest, society: str) -> HttpResponse:
    """Across all the society's batches; choosing a batch in the selector opens its own page."""
    org = get_society_for_dashboard(user=_user(request), code=society)
    chosen = request.GET.get("batch", "")
    if chosen.isdigit():
        batch = get_batch_for_dashboard(society=org, pk=int(chosen))
        return redirect("dashboards:batch", org.code, batch.pk)
    return _page(request, org, None)


@reads_from_replica
@login_required
def batch_dashboard(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_dashboard(user=_user(request), code=society)
    return _page(request, org, get_batch_for_dashboard(society=org, pk=pk))


def _xlsx(board: Dashboard, key: str) -> HttpResponse:
    table = board.table(key)
    if table is None:
        raise Http404
    scope = board.society.display_name
    if board.batch is not None:
        scope = f"{scope} · {board.batch.display_name}"
    response = HttpResponse(
        table_workbook(table=table, scope=scope),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    parts = [
        board.society.code,
        board.batch.code if board.batch else "all",
        key,
        timezone.localdate().isoformat(),
    ]
    response["Content-Disposition"] = f'attachment; filename="dashboard-{"-".join(parts)}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@reads_from_replica
@login_required
def dashboard_xlsx(request: HttpRequest, society: str, table: str) -> HttpResponse:
    org = get_society_for_dashboard(user=_user(request), code=society)
    return _xlsx(dashboard_get(society=org), table)


@reads_from_replica
@login_required
def batch_dashboard_xlsx(request: HttpRequest, society: str, pk: int, table: str) -> HttpResponse:
    org = get_society_for_dashboard(user=_user(request), code=society)
    batch = get_batch_for_dashboard(society=org, pk=pk)
    return _xlsx(dashboard_get(society=org, batch=batch), table)
