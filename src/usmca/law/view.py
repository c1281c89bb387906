"""The law on a date: one immutable view of a law tree, read by path or by attribute.

Modelled on OpenFisca's ``parameters(instant)``: ``tree.on("2025-03-01")`` (or
``LawView(tree, date)``) is the law in force on that day, and every engine reads its thresholds
through it instead of passing ``(tree, date)`` pairs around::

    law = default_tree().on("2025-03-01")
    law["usmca/ch04/de_minimis/general"]          # 10
    law.usmca.ch04.de_minimis.general              # 10 (attribute access walks the folders)
    law.entry("usmca/ch04/de_minimis/general")     # Entry(value, unit, reference, effective_from)
    law.get("usmca/review/nme_content_cap/max_share", None)   # optional parameters
    law.table("usmca/ch04/de_minimis/exceptions")  # rows in force (a DataFrame)
    autos = law.sub("usmca/ch04_appendix_autos")   # paths relative to a folder, same cache

On an array of dates (``tree.on(np.array([...], dtype="datetime64[D]"))``) a lookup returns one
value per date, vectorised by :meth:`LawTree.at_many` (a binary search of the effective dates).

A read that finds no law raises :class:`usmca.errors.LawError` naming the path and the date.
The view caches what it reads (entries, parsed code lists, tables, values derived from them) on
itself; the tree keeps its views per date (:meth:`LawTree.on`), so two determinations on the same
tree and day share the reads. Trees are immutable, so a cached read can never go stale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from usmca.errors import LawError
from usmca.hs import HsSet

from .values import Entry, parse_date

if TYPE_CHECKING:  # numpy and pandas are imported on use: `usmca law show` starts without them (bench_startup.py)
    import numpy as np
    import pandas as pd

    from .tree import LawTree

__all__ = ["LawView"]

T = TypeVar("T")
_MISSING = object()


class LawView:
    """The parameters of a law tree in force on one date (or on each of an array of dates).

    Parameters
    ----------
    tree
        The :class:`usmca.law.LawTree` (possibly reformed).
    date
        A date (``datetime.date``, ISO string, ``numpy.datetime64``) or, for vectorised reads,
        an array/Series of dates.
    prefix
        A folder of the tree; paths given to the view are relative to it unless they start with
        a top-level folder of the tree (``usmca/``, ``us/``).
    """

    __slots__ = ("tree", "date", "dates", "prefix", "_cache")

    def __init__(self, tree: "LawTree", date: Any, prefix: str = "", *, _cache: dict[Any, Any] | None = None) -> None:
        self.tree = tree
        self.dates: np.ndarray | None
        from .tree import is_many  # noqa: PLC0415 - tree imports this module

        if is_many(date):  # or a pandas Series/Index
            import numpy as np  # noqa: PLC0415

            self.dates = np.asarray(date, dtype="datetime64[D]")
            self.date: dt.date | None = None
        else:
            self.dates = None
            self.date = parse_date(date, "law", "date")
        self.prefix = prefix.strip("/")
        self._cache: dict[Any, Any] = {} if _cache is None else _cache

    # -- paths --------------------------------------------------------------------------------
    def path(self, rel: str) -> str:
        """The full tree path of ``rel`` (relative to the view's folder unless already absolute)."""
        rel = rel.strip("/")
        if not self.prefix or rel == self.prefix or rel.startswith(self.prefix + "/"):
            return rel
        roots = self._cache.get(("roots",))
        if roots is None:
            roots = self._cache[("roots",)] = _roots(self.tree)
        return rel if rel.split("/", 1)[0] in roots else f"{self.prefix}/{rel}"

    def _when(self) -> str:
        if self.date is not None:
            return self.date.isoformat()
        assert self.dates is not None
        return f"{len(self.dates)} dates" if len(self.dates) != 1 else str(self.dates[0])

    def _miss(self, path: str, exc: LawError) -> LawError:
        """The error of a failed read, naming the path and the date of the view."""
        if exc.source in ("date", "dates"):  # already ``date: <path> = <date>: <reason>``
            return exc
        return LawError(f"law on {self._when()}", "path", path, exc.reason)

    def has(self, rel: str) -> bool:
        """Whether the tree holds a parameter or table at ``rel`` (in force or not)."""
        return self.path(rel) in self.tree

    __contains__ = has

    # -- reads --------------------------------------------------------------------------------
    def entry(self, rel: str) -> Entry:
        """The entry (value, unit, reference, effective date) in force on the view's date."""
        if self.date is None:
            raise LawError(f"law on {self._when()}", self.path(rel), None,
                           "an entry needs one date (this view holds an array of dates)")
        key = ("e", rel)
        hit = self._cache.get(key, _MISSING)
        if hit is _MISSING:
            p = self.path(rel)
            try:
                hit = self.tree.entry(p, self.date)
            except LawError as exc:
                raise self._miss(p, exc) from None
            self._cache[key] = hit
        return hit

    def at(self, rel: str) -> Any:
        """The value in force (one date), or one value per date (an object array)."""
        if self.date is None:
            key = ("m", rel)
            hit = self._cache.get(key, _MISSING)
            if hit is _MISSING:
                p = self.path(rel)
                try:
                    hit = self.tree.at_many(p, self.dates)
                except LawError as exc:
                    raise self._miss(p, exc) from None
                self._cache[key] = hit
            return hit
        return self.entry(rel).value

    def __getitem__(self, rel: str) -> Any:
        p = self.path(rel)
        if p in self.tree.tables:
            return self.table(rel)
        if p not in self.tree.parameters and self.tree.paths(p):
            return self.sub(p)
        return self.at(rel)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        rel = f"{self.prefix}/{name}" if self.prefix else name
        if rel in self.tree.parameters or rel in self.tree.tables or self.tree.paths(rel):
            return self[rel]
        raise LawError(f"law on {self._when()}", "path", rel, "no parameter or folder of the law tree")

    def get(self, rel: str, default: Any = None) -> Any:
        """The value of an optional parameter (review options): ``default`` when the path is not in
        the tree, not yet in force on the date, or expired (``None``)."""
        if self.date is None:
            raise LawError(f"law on {self._when()}", self.path(rel), None, "get() needs one date")
        key = ("g", rel)
        hit = self._cache.get(key, _MISSING)
        if hit is _MISSING:
            hit = self.tree.get(self.path(rel), self.date, _MISSING)
            self._cache[key] = hit
        return default if hit is _MISSING else hit

    def number(self, rel: str) -> Decimal:
        """A numeric parameter as an exact ``Decimal`` (from its YAML spelling: 62.5 -> 62.5)."""
        v = self.at(rel)
        if v is None or isinstance(v, bool) or not isinstance(v, (int, float)):
            raise LawError(f"law on {self._when()}", self.path(rel), v, "no number in force on this date")
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)

    def cite(self, rel: str) -> str:
        """``instrument, provision [path]`` of the value in force (the path alone when none is)."""
        try:
            return f"{self.entry(rel).reference.cite()} [{self.path(rel)}]"
        except LawError:
            return self.path(rel)

    def codes(self, rel: str) -> HsSet:
        """A list of HS codes and ranges (unit ``hs_codes``) as a code set; empty when expired."""
        return self.derived(("codes", rel), lambda: HsSet.parse(self.at(rel) or []))

    def table(self, rel: str) -> pd.DataFrame:
        """The rows in force on the date of the table at ``rel`` (shared: do not modify)."""
        if self.date is None:
            raise LawError(f"law on {self._when()}", self.path(rel), None, "a table needs one date")
        key = ("t", rel)
        hit = self._cache.get(key, _MISSING)
        if hit is _MISSING:
            p = self.path(rel)
            try:
                hit = self.tree.table(p, self.date)
            except LawError as exc:
                raise self._miss(p, exc) from None
            self._cache[key] = hit
        return hit

    def derived(self, key: Any, build: Callable[[], T]) -> T:
        """A value computed once from this view's law (a parsed table, a code index...).

        ``key`` names the computation; ``build`` reads the law through this view only, so the
        value is a function of (tree, date) and safe to share.
        """
        k = ("d", key)
        hit = self._cache.get(k, _MISSING)
        if hit is _MISSING:
            hit = build()
            self._cache[k] = hit
        return hit

    # -- folders ------------------------------------------------------------------------------
    def sub(self, prefix: str) -> "LawView":
        """The view of a folder: paths relative to ``prefix``; the cache is shared with this view."""
        sub_cache = self._cache.setdefault(("sub", self.path(prefix)), {})
        return LawView(self.tree, self.date if self.date is not None else self.dates, self.path(prefix),
                       _cache=sub_cache)

    def __repr__(self) -> str:
        where = f" {self.prefix}" if self.prefix else ""
        return f"<LawView{where} on {self._when()}>"


def _roots(tree: "LawTree") -> frozenset[str]:
    """The top-level folders of the tree (``usmca``, ``us``): a path starting with one is absolute."""
    return frozenset(p.split("/", 1)[0] for p in list(tree.parameters) + list(tree.tables))
