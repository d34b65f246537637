"""Reading an admin page's form the way a browser would submit it."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    """Collects the fields of the admin's change form (``<form id="..._form">``) as a
    browser would send them: checked boxes only, selected options, textareas' text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.action: str | None = None
        self._in_form = False
        self._select: tuple[str, bool] | None = None
        self._select_values: list[str] = []
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text: list[str] = []
        self._in_option = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form") and a.get("method") == "post":
            self._in_form = True
            self.action = a.get("action")
            return
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            self._select_values, self._select_first = [], None
        elif tag == "option" and self._select:
            self._in_option = True
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = []
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "option" and self._in_option:
            value = self._option_value
            if value is None:
                value = "".join(self._option_text)
            if self._select_first is None:
                self._select_first = value
            if self._option_selected:
                self._select_values.append(value)
            self._in_option = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            values = self._select_values
            if not values and not multiple and self._select_first is not None:
                values = [self._select_first]
            self.fields.extend((name, v) for v in values)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            # A browser drops the one newline that follows <textarea>.
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)
        if self._in_option:
            self._option_text.append(data)


def form_data(html: str) -> dict[str, list[str]]:
    """The admin change form's fields as the browser would post them (name -> values)."""
    parser = _FormParser()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def reorder_inlines(data: dict[str, list[str]], order_fields: dict[str, str]) -> dict:
    """Reverse the order of the saved rows of each sortable inline, as dragging the last
    to the top and so on would (the hidden order fields take 1..n in the new order).
    ``order_fields`` maps an inline prefix to its order field name. Returns, per prefix, the
    primary keys in the order asked for."""
    asked = {}
    for prefix, field in order_fields.items():
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", ["0"])[0])
        rows = []
        for i in range(initial):
            if f"{prefix}-{i}-{field}" in data:
                rows.append(i)
        rows.sort(key=lambda i: int(data[f"{prefix}-{i}-{field}"][0] or 0))
        for place, i in enumerate(reversed(rows), start=1):
            data[f"{prefix}-{i}-{field}"] = [str(place)]
        asked[prefix] = list(reversed(rows))
    return asked
