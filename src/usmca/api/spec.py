"""What the OpenAPI document promises about inputs, and how the routes keep that promise.

Two kinds of wrong input, two statuses (checked by schemathesis, every check on,
``tests/api/test_api_schemathesis.py``):

- **malformed** (422): the request breaks the document: a date that is not a calendar date, an HTS
  code that is not 8 or 10 digits, a negative value. The patterns and bounds below are declared in
  the document *and* enforced by FastAPI from the same declaration, so the two cannot drift.
- **not in the data** (404, :class:`NotInData`): a well-formed request that names something the
  law tree or the data does not hold: an HTS line the schedule does not list, a date outside the
  schedule's revisions, a parameter path or prefix the law tree does not have, a date before a
  parameter's first value, a country code no list knows. The body is the same one-line document.

Names from a closed list (review scenarios, example BOMs) are declared as an ``enum``
(:func:`add_enums`), so any other name is malformed (422, listing the names).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from usmca.errors import UserInputError
from usmca.hs import HEADING_99

__all__ = ["DATE_PATTERN", "HTS_LINE_PATTERN", "HS_PATTERN", "COUNTRY_PATTERN", "SEARCH_PATTERN", "MAX_VALUE",
           "PATTERN_REASONS", "NotInData", "not_in_data", "unknown_path_not_in_data", "add_enums"]

_DAY31 = "(?:0[1-9]|[12][0-9]|3[01])"
_DAY30 = "(?:0[1-9]|[12][0-9]|30)"
_DAY28 = "(?:0[1-9]|1[0-9]|2[0-8])"
_LEAP = "(?:(?:19|20)(?:0[48]|[2468][048]|[13579][26])|2000)"  # 1900 is not a leap year, 2000 is
#: A calendar date ``YYYY-MM-DD`` from 1900-01-01 to 2099-12-31 (the Gregorian leap rule spelled out).
DATE_PATTERN = (f"^(?:(?:19|20)[0-9]{{2}}-(?:(?:0[13578]|1[02])-{_DAY31}|(?:0[469]|11)-{_DAY30}|02-{_DAY28})"
                f"|{_LEAP}-02-29)$")
#: An 8- or 10-digit HTS line, dots optional; chapter 99 (additional duties) is not a classification.
HTS_LINE_PATTERN = r"^(?:[0-8][0-9]|9[0-8])[0-9]{2}\.?[0-9]{2}\.?[0-9]{2}(?:\.?[0-9]{2})?$"
#: An HS code of 2, 4, 6, 8 or 10 digits, dots optional between pairs.
HS_PATTERN = r"^[0-9]{2}(?:\.?[0-9]{2}){0,4}$"
#: An ISO 3166-1 alpha-2 code (letters; which codes exist is data: an unknown one is a 404).
COUNTRY_PATTERN = "^[A-Za-z]{2}$"
#: a chapter 99 heading an entry declares (``--declare``), e.g. 9903.82.06
HEADING_PATTERN = HEADING_99
#: most headings one entry line declares
MAX_DECLARED = 10
#: At least two characters that are not white space (a search term).
SEARCH_PATTERN = r"\S[\s\S]*\S"
#: Largest customs value or quantity accepted (USD or units): beyond it a duty is not a finite number.
MAX_VALUE = 1e15

#: The reason a 422 gives for a value that does not match a pattern (instead of the regular expression).
PATTERN_REASONS = {
    DATE_PATTERN: "not a date (expected YYYY-MM-DD, 1900 to 2099)",
    HTS_LINE_PATTERN: "not an HTS line (8 or 10 digits, dots optional; chapter 99 is not a classification)",
    HS_PATTERN: "not an HS code (2, 4, 6, 8 or 10 digits, dots optional, e.g. 8501.52)",
    COUNTRY_PATTERN: "not a country code (ISO 3166-1 alpha-2, e.g. MX)",
    SEARCH_PATTERN: "give at least two characters of a code or a description",
}


class NotInData(UserInputError):
    """A well-formed request naming something the law tree or the data does not hold (HTTP 404)."""


def not_in_data(exc: UserInputError, source: str | None = None, field: str | None = None) -> NotInData:
    """``exc`` as a :class:`NotInData` (same line), optionally re-sourced."""
    return NotInData(exc.source if source is None else source, exc.field if field is None else field,
                     exc.value, exc.reason)


@contextmanager
def unknown_path_not_in_data() -> Iterator[None]:
    """Inside the block, a reform change of a path the law tree does not have
    (:data:`usmca.law.reform.UNKNOWN_PATH`) is a :class:`NotInData` (404): the request is well-formed
    and names what the law does not hold, like ``GET /law/parameter/{path}``."""
    from usmca.law.reform import UNKNOWN_PATH

    try:
        yield
    except UserInputError as exc:
        if exc.reason == UNKNOWN_PATH:
            raise not_in_data(exc) from None
        raise


def add_enums(openapi: Callable[[], dict[str, Any]], enums: dict[tuple[str, str], Callable[[], Iterable[str]]]
              ) -> Callable[[], dict[str, Any]]:
    """Wrap ``app.openapi`` so path parameters drawn from a closed list are declared with their ``enum``.

    ``enums`` maps ``(route path, parameter name)`` (or ``body.<property>`` for a property of the
    request body) to a callable giving the names (called when the document is first built: the
    scenario library is loaded then, not at import).
    """
    def build() -> dict[str, Any]:
        doc = openapi()
        if doc.get("x-enums-added"):
            return doc
        for (path, name), values in enums.items():
            for op in (doc.get("paths", {}).get(path) or {}).values():
                for param in op.get("parameters", []):
                    if param.get("name") == name:
                        param["schema"] = {**param.get("schema", {}), "enum": list(values())}
                if name.startswith("body."):  # a property of the request body's schema
                    for media in ((op.get("requestBody") or {}).get("content") or {}).values():
                        prop = (media.get("schema") or {}).get("properties", {}).get(name[5:])
                        if prop is not None:
                            prop["enum"] = list(values())
        doc["x-enums-added"] = True
        return doc

    return build
