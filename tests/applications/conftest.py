"""Fixtures shared by the application tests: a staff member of a second society, and posting a
section form the way a browser does."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.http import HttpResponse
from django.test import Client

# Posting like a browser ------------------------------------------------------------------------


class _BrowserForm(HTMLParser):
    """What a browser sends from the page's first form that posts back to the page itself (no
    `action`, or its own address), before anyone touches it: the section's form, not the language
    switch or the sign-out button.

    Every enabled text, date, hidden (the CSRF token, formset management forms) and other
    input with its value; a textarea's content; a select's selected option, else its first;
    only the ticked checkboxes and radios. Submit buttons and file inputs send nothing here:
    the button pressed and the files chosen are added when posting. Rows inside <template>
    (the blank row that JavaScript copies) are not part of the form.
    """

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.found = False
        self.in_form = False
        self.template_depth = 0
        self.data: dict[str, list[str]] = {}
        self.names: set[str] = set()  # every control on the form, whether it sends a value or not
        self.select: tuple[str, bool] | None = None  # (name, multiple)
        self.options: list[tuple[str | None, bool, bool, list[str]]] = []  # value, selected, disabled, text
        self.textarea: tuple[str, list[str]] | None = None

    def _send(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and not self.found:
            posts_here = (values.get("method") or "").lower() == "post" and values.get("action") in (
                None,
                "",
                self.url,
            )
            self.found = self.in_form = posts_here
            return
        if tag == "template":
            self.template_depth += 1
        if not self.in_form or self.template_depth:
            return
        name = values.get("name")
        disabled = "disabled" in values
        if tag == "option" and self.select is not None:
            self.options.append((values.get("value"), "selected" in values, disabled, []))
        if not name:
            return
        if tag == "input":
            kind = (values.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            self.names.add(name)
            if disabled or kind == "file":
                return
            if kind in ("checkbox", "radio"):
                if "checked" in values:
                    self._send(name, values.get("value") or "on")
                return
            self._send(name, values.get("value") or "")
        elif tag == "select":
            self.names.add(name)
            self.select = None if disabled else (name, "multiple" in values)
            self.options = []
        elif tag == "textarea":
            self.names.add(name)
            self.textarea = None if disabled else (name, [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1].append(data)
        elif self.select is not None and self.options:
            self.options[-1][3].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "template" and self.template_depth:
            self.template_depth -= 1
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            text = "".join(parts)
            # A browser drops the one newline right after <textarea>, as Django writes it there.
            self._send(name, text[2:] if text.startswith("\r\n") else text.removeprefix("\n"))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, multiple = self.select
            options = [
                (value if value is not None else " ".join("".join(text).split()), selected, disabled)
                for value, selected, disabled, text in self.options
            ]
            chosen = [value for value, selected, disabled in options if selected and not disabled]
            if not multiple:
                enabled = [value for value, _selected, disabled in options if not disabled]
                chosen = chosen[-1:] or enabled[:1]
            for value in chosen:
                self._send(name, value)
            self.select = None


def _browser_form(client: Client, url: str) -> _BrowserForm:
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} gave {response.status_code}"
    parser = _BrowserForm(url)
    parser.feed(response.content.decode())
    parser.close()
    assert parser.found, f"no form on {url} that posts to it"
    return parser


def section_form_data(client: Client, url: str) -> dict[str, list[str]]:
    """The section form's fields as a browser would send them, just as the page shows them."""
    return _browser_form(client, url).data


def browser_post(
    client: Client,
    url: str,
    values: dict[str, Any],
    files: dict[str, Any] | None = None,
    action: str = "save",
) -> HttpResponse:
    """Open the section page, change what a person changes, and press a button, as a browser does.

    `values` replace what the page shows: a string, a number, or a list (ticked boxes of a group);
    None removes the field, as for a box left unticked. `files` are chosen in file inputs. A name
    that is not on the page is an error: a browser cannot send it.
    """
    form = _browser_form(client, url)
    data: dict[str, Any] = dict(form.data)
    for name, value in [*values.items(), *(files or {}).items()]:
        assert name in form.names, f"no field {name} on {url}"
        if value is None:
            data.pop(name, None)
        elif isinstance(value, (list, tuple)):
            data[name] = [str(item) for item in value]
        elif hasattr(value, "read"):
            data[name] = value
        else:
            data[name] = [str(value)]
    data["action"] = action
    return client.post(url, data)  # type: ignore[return-value]
