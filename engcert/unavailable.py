"""What a person sees while the database cannot be reached (a restart, a failover): a clear
"503, try again in a moment" instead of a server error. Nothing they sent was stored, so sending
it again is safe; a submission that was stored answered with its usual page before the outage.

Likewise when the server's disk is full while it receives an upload: a large file is spooled to a
temporary file as the request is read (FILE_UPLOAD_TEMP_DIR), before any view runs, so the
failure cannot be shown beside the form's field; the page says the file was not stored and
nothing else was either (the view never ran; the temporary file is deleted with the request).

Installed as Django's handler500, so it catches these errors wherever they happen (reading the
request, a view, the session or authentication middleware) without querying the database again."""

from __future__ import annotations

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

# Seconds a client is asked to wait before trying again: a fast restart takes a few seconds.
RETRY_AFTER_SECONDS = 5


def database_unreachable(error: BaseException | None) -> bool:
    """The database could not be reached, or the connection to it broke mid-request (also a
    deadlock or a lock timeout: the transaction was rolled back, so trying again is right)."""
    return isinstance(error, (InterfaceError, OperationalError))


def disk_full(error: BaseException | None) -> bool:
    """No room left on the device (or over the quota) while writing, e.g. spooling an upload."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def server_error_or_unavailable(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    error = sys.exc_info()[1]
    if disk_full(error) and request.content_type == "multipart/form-data":
        full = HttpResponse(render_to_string("503_storage.html"), status=503)
        full["Retry-After"] = "300"
        full["Cache-Control"] = "no-store"
        return full
    if database_unreachable(error):
        html = render_to_string("503_database.html", {"retry_after": RETRY_AFTER_SECONDS})
        unavailable = HttpResponse(html, status=503)
        unavailable["Retry-After"] = str(RETRY_AFTER_SECONDS)
        unavailable["Cache-Control"] = "no-store"
        return unavailable
    response: HttpResponse = server_error(request, template_name)
    return response
