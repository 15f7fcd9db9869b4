"""The admin's lists of the tables that grow with every call (calls, webhook deliveries), as
quick with a year of rows as with none.

Django's defaults read a whole table to draw a page: an exact count (twice), a `DISTINCT` over
a column for each filter without choices, and the date drill-down's `DISTINCT` of dates. Here
a list counts at most `COUNT_LIMIT` rows and estimates past that (PostgreSQL's planner does it
from its statistics, `pg_class.reltuples` and the column histograms), its filters offer what
the configuration knows (statuses, the offered languages, the webhook types the app applies),
and its Date filter opens on a window that an index serves.
"""

from __future__ import annotations

import json
from functools import cached_property

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest

from sessions_app import languages, windows
from sessions_app.ingest import HANDLERS

# Rows a count reads before it estimates: ten pages of the admin's hundred.
COUNT_LIMIT = 1_000
# SQLite keeps no statistics to estimate from: it counts this far and says "more than".
SQLITE_COUNT_LIMIT = 100_000


class EstimatedCountPaginator(Paginator):
    """Counts up to a limit; past it PostgreSQL's count is its planner's estimate ("about"),
    SQLite's the larger limit it counted to ("more than")."""

    estimated = False
    capped = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        counted = bounded_count(rows, COUNT_LIMIT)
        if counted <= COUNT_LIMIT:
            return counted
        if connections[rows.db].vendor == "postgresql":
            self.estimated = True
            return max(planned_rows(rows), counted)
        counted = bounded_count(rows, SQLITE_COUNT_LIMIT)
        self.capped = counted > SQLITE_COUNT_LIMIT
        return min(counted, SQLITE_COUNT_LIMIT)


def bounded_count(rows: QuerySet, limit: int) -> int:
    """How many rows there are, reading at most `limit` + 1 of them."""
    return rows.order_by()[: limit + 1].count()


def planned_rows(rows: QuerySet) -> int:
    """PostgreSQL's estimate of the rows `rows` finds, from its plan (no row is read)."""
    plan = json.loads(rows.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class LargeTableAdmin(admin.ModelAdmin):
    """A changelist that neither counts its whole table twice nor pages by an exact count."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False


class DateWindowFilter(admin.SimpleListFilter):
    """Today, the last 7 or 30 days, or any time, on `field`; with none chosen, `default`,
    except for a search or a date lookup in the query, which name the rows they want."""

    title = "date"
    parameter_name = "within"
    field = "created_at"
    default = windows.DEFAULT

    def __init__(self, request: HttpRequest, *args: object) -> None:
        super().__init__(request, *args)
        self.current = self.chosen(request)

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(key, label) for key, (label, _) in windows.WINDOWS.items()]

    def chosen(self, request: HttpRequest) -> str:
        if self.value() in windows.WINDOWS:
            return self.value()
        named = request.GET.get("q") or any(key.startswith(self.field) for key in request.GET)
        return windows.ANY_TIME if named else self.default

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        start = windows.start(self.current)
        return queryset.filter(**{f"{self.field}__gte": start}) if start else queryset

    def choices(self, changelist: object) -> object:
        for key, label in self.lookup_choices:
            yield {
                "selected": key == self.current,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": label,
            }


class ReceivedWindowFilter(DateWindowFilter):
    title = "received"
    field = "received_at"
    default = windows.ANY_TIME


class LanguageFilter(admin.SimpleListFilter):
    """A call's language, of those the console offers; "Detected" for a side left to
    Kallglot (none stored)."""

    DETECTED = "auto"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        offered = [(item["code"], item["name"]) for item in languages.offered()]
        return [*offered, (self.DETECTED, "Detected")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() is None:
            return queryset
        code = "" if self.value() == self.DETECTED else self.value()
        return queryset.filter(**{self.parameter_name: code})


class SourceLanguageFilter(LanguageFilter):
    title = "agent's language"
    parameter_name = "source_language"


class TargetLanguageFilter(LanguageFilter):
    title = "customer's language"
    parameter_name = "target_language"


class EventTypeFilter(admin.SimpleListFilter):
    """The webhook types the app applies (another type is stored, and found by its name in
    the query, `?event_type=…`)."""

    title = "event type"
    parameter_name = "event_type"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(kind, kind) for kind in sorted(HANDLERS)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(event_type=self.value()) if self.value() else queryset
