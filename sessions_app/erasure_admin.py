"""Erasing a customer's data from the admin, and the erasures' audit trail.

A supervisor erases a customer in one of two ways: from the erasures' list ("Add erasure"),
typing the phone number or CRM customer id (or both) that the request names; or from the
calls' list, selecting calls of that customer and running "Erase these calls' customers'
data", which lists the customers and asks for confirmation first. Both erase every call of
the customer (sessions_app.privacy), not only the selected ones, and write one ErasureRecord
per customer. Neither puts an identifier in a message or a log entry: messages and the
admin's history are stored too.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from sessions_app import customers, privacy
from sessions_app.models import CallSession, ErasureRecord

KALLGLOT_KEEPS = (
    "Kallglot keeps its own copies of the calls (metadata, transcripts, recordings) until its"
    " own retention period ends: its API offers no way to delete them."
)


class EraseForm(forms.Form):
    number = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        help_text="As the customer gives it; matched as typed and as E.164 (+4930123456).",
    )
    customer_id = forms.CharField(label="CRM customer id", required=False, max_length=200)
    confirm = forms.BooleanField(label="Erase it: this cannot be undone")

    def clean(self) -> dict:
        data = super().clean()
        try:
            customers.named(number=data.get("number"), customer_id=data.get("customer_id"))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


def counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {what}" for what, count in counts.items() if count) or "nothing"


def erased_message(record: ErasureRecord) -> str:
    return f"Erasure {record.pk}: {record.calls} call(s); removed {counted(record.removed)}."


class ErasureRecordAdmin(admin.ModelAdmin):
    list_display = ("erased_at", "named_by", "actor", "calls")
    search_fields = ("customer_id_hash",)  # searched by the identifiers' hashes, below
    search_help_text = "A phone number or CRM customer id: was this customer erased?"
    fields = ("erased_at", "actor", "named_by", "calls", "what_was_removed")
    readonly_fields = fields
    list_select_related = ("actor",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Removed")
    def what_was_removed(self, record: ErasureRecord) -> str:
        return counted(record.removed)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        return queryset & customers.erasures_of(search_term), False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """A form that erases, in place of a form that edits a record."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = EraseForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            data = form.cleaned_data
            report = privacy.erase_customer(
                number=data["number"], customer_id=data["customer_id"], actor=request.user
            )
            self.log_addition(request, report.record, [{"added": {}}])
            self.message_user(request, erased_message(report.record))
            url = reverse("admin:sessions_app_erasurerecord_change", args=[report.record.pk])
            return HttpResponseRedirect(url)
        context = self.admin_site.each_context(request) | {
            "title": "Erase a customer's data",
            "opts": self.opts,
            "form": form,
            "kallglot_keeps": KALLGLOT_KEEPS,
        }
        return TemplateResponse(request, "admin/sessions_app/erase.html", context)


@admin.action(
    description="Erase these calls' customers' data (from all their calls)",
    permissions=["erase"],
)
def erase_customers(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[CallSession]
) -> TemplateResponse | None:
    """Erase the customer of each selected call, once confirmed on a page that lists them."""
    named = customers.customers_of(queryset)
    if not named:
        message = "None of these calls names its customer (a customer id or phone number)."
        modeladmin.message_user(request, message, messages.WARNING)
        return None
    if request.POST.get("erase") != "yes":
        return confirmation(modeladmin, request, queryset, named)
    for customer in named:
        report = privacy.erase_customer(actor=request.user, **customer)
        modeladmin.message_user(request, erased_message(report.record))
    return None


def confirmation(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[CallSession],
    named: list[dict[str, str]],
) -> TemplateResponse:
    context = modeladmin.admin_site.each_context(request) | {
        "title": "Erase these customers' data?",
        "opts": modeladmin.opts,
        "customers": [
            customer | {"calls": customers.named(**customer).calls().count()} for customer in named
        ],
        "selected": [call.pk for call in queryset],
        "action_name": "erase_customers",
        "kallglot_keeps": KALLGLOT_KEEPS,
    }
    return TemplateResponse(request, "admin/sessions_app/erase_confirmation.html", context)
