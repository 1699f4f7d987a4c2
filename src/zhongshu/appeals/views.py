"""Appeals pages: citizen form and tracking (public), operator intake, work orders, import, Open311 clients.

Views parse the request, call one service and render; every rule lives in services.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongshu.accounts.models import Department
from zhongshu.appeals import importer, intake, open311, services, sla, triage, workflow
from zhongshu.appeals.models import Appeal, AppealImport, Category
from zhongshu.audit.context import ip_from_request
from zhongshu.core.errors import InvalidInput, NotFound, ZhongshuError
from zhongshu.core.ratelimit import RateLimited
from zhongshu.web.guards import public, requires


def _input(post) -> intake.AppealInput:
    return intake.AppealInput(
        text=post.get("text", ""), title=post.get("title", ""), appeal_type=post.get("appeal_type", "complaint"),
        citizen_name=post.get("citizen_name", ""), citizen_phone=post.get("citizen_phone", ""),
        reply_wanted=post.get("reply_wanted") == "on", identity_needed=post.get("identity_needed") == "on",
        township=post.get("township", ""), address=post.get("address", ""), lat=post.get("lat") or None,
        long=post.get("long") or None, urgent=post.get("urgent") == "on",
    )


def _townships():
    return Department.objects.filter(kind="township").order_by("code")


# --- citizens ------------------------------------------------------------------------------------


@public
def public_form(request):
    """The citizen's appeal form (no account; CSRF-protected; rate-limited per address)."""
    error = None
    if request.method == "POST":
        try:
            appeal, _created = intake.submit(request.user, _input(request.POST), "web", ip=ip_from_request(request),
                                             idempotency_key=request.POST.get("submission", ""))
            return redirect(f"{reverse('appeals:public_done')}?code={appeal.tracking_code}")
        except ZhongshuError as exc:
            error = exc
    response = render(request, "appeals/public_form.html", {
        "error": error, "form": request.POST if error else {}, "submission": secrets.token_hex(16),
        "types": Appeal.Type.choices, "townships": _townships(), "max_text": intake.MAX_TEXT,
    }, status=getattr(error, "status", 200))
    return _retry_after(response, error)


def _retry_after(response: HttpResponse, error: Exception | None) -> HttpResponse:
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


@public
def public_done(request):
    """The thank-you page with the tracking code."""
    return render(request, "appeals/public_done.html", {"code": request.GET.get("code", "")[:20]})


@public
def public_track(request):
    """Track an appeal by its code: public timeline steps only, never personal data; limited per address."""
    code = request.GET.get("code", "").strip()[:20]
    status, error = None, None
    if code:
        try:
            status = services.public_status(code, ip=ip_from_request(request))
        except (NotFound, RateLimited) as exc:
            error = exc
    response = render(request, "appeals/public_track.html", {
        "code": code, "status": status, "error": error, "limited": isinstance(error, RateLimited),
    }, status=getattr(error, "status", 200) if isinstance(error, RateLimited) else 200)
    return _retry_after(response, error)


# --- operator intake -----------------------------------------------------------------------------


@requires("appeals.intake")
def intake_page(request):
    """Hotline fast entry: keyboard-first, live triage suggestion, caller history."""
    error = None
    if request.method == "POST":
        try:
            appeal, created = intake.submit(request.user, _input(request.POST), "hotline",
                                            idempotency_key=request.POST.get("submission", ""),
                                            scope=f"hotline:{request.user.pk}")
            if created:
                messages.success(request, _("Appeal %(code)s received.") % {"code": appeal.tracking_code})
            else:
                messages.info(request, _("Already submitted: appeal %(code)s.") % {"code": appeal.tracking_code})
            return redirect("appeals:detail", appeal_id=appeal.pk)
        except ZhongshuError as exc:
            error = exc
    return render(request, "appeals/intake.html", {
        "error": error, "form": request.POST if error else {}, "submission": secrets.token_hex(16),
        "types": Appeal.Type.choices, "townships": _townships(), "max_text": intake.MAX_TEXT,
    }, status=getattr(error, "status", 200))


@requires("appeals.intake")
@require_POST
def suggest_fragment(request):
    """htmx fragment: the triage suggestion for the text typed so far."""
    title, text = request.POST.get("title", "")[:200], request.POST.get("text", "")
    suggestion, error = None, None
    if text.strip():
        if len(text) > intake.MAX_TEXT:
            error = InvalidInput("text", _("at most %(n)s characters") % {"n": intake.MAX_TEXT})
        else:
            suggestion = triage.suggest(title, text)
    dept = Department.objects.filter(code=suggestion.department).first() if suggestion else None
    return render(request, "appeals/_suggestion.html", {"s": suggestion, "error": error, "dept": dept})


@requires("appeals.intake")
@require_POST
def history_fragment(request):
    """htmx fragment: earlier appeals from this phone number."""
    rows = services.caller_history(request.user, request.POST.get("citizen_phone", ""))
    return render(request, "appeals/_history.html", {"rows": rows,
                                                      "asked": bool(request.POST.get("citizen_phone", "").strip())})


# --- work orders ---------------------------------------------------------------------------------


@requires("appeals.read")
def appeal_list(request):
    """The queue (priority, then deadline) with filters, alerts and due lists, in the user's scope."""
    error = None
    try:
        flt = services.ListFilter.from_params(request.GET)
    except ZhongshuError as exc:
        error, flt = exc, services.ListFilter()
    page = services.list_page(request.user, flt, request.GET.get("page"))
    for a in page:
        a.due = sla.due_status(a)
        a.suggested = (a.triage or {}).get("suggestion", {}) if isinstance(a.triage, dict) else {}
    params = request.GET.copy()
    params.pop("page", None)
    due = services.due_list(request.user)
    return render(request, "appeals/list.html", {
        "page": page, "filter": flt, "error": error, "query": params.urlencode(),
        "alerts": services.alerts(request.user), "overdue": len(due["overdue"]), "near_due": len(due["near_due"]),
        "states": Appeal.State.choices, "departments": Department.objects.exclude(kind="government").order_by("kind", "code"),
        "categories": Category.objects.filter(active=True).order_by("code"),
        "can_ack": request.user.role in ("leader", "operator"),
    })


@requires("appeals.read")
def appeal_detail(request, appeal_id: int):
    """One work order: content (scrubbed), masked citizen, triage, duplicates, timeline and the allowed steps."""
    appeal = services.read_appeal(request.user, appeal_id)
    suggestion = appeal.triage.get("suggestion", {}) if isinstance(appeal.triage, dict) else {}
    duplicates = appeal.triage.get("duplicates", []) if isinstance(appeal.triage, dict) else []
    steps = services.available_steps(request.user, appeal)
    return render(request, "appeals/detail.html", {
        "a": appeal, "who": services.citizen_identity(request.user, appeal),
        "events": services.timeline(request.user, appeal), "steps": steps, "suggestion": suggestion,
        "duplicates": duplicates, "due": sla.due_status(appeal),
        "departments": Department.objects.exclude(kind="government").order_by("kind", "code"),
        "categories": Category.objects.filter(active=True).order_by("code"),
        "satisfactions": Appeal.Satisfaction.choices, "co": appeal.co_departments.all(),
        "alerts": appeal.alerts.filter(acknowledged_at__isnull=True),
        "corrections": appeal.corrections.order_by("at"),
    })


@requires("appeals.read")
@require_POST
def appeal_step(request, appeal_id: int):
    """Take one workflow step from the detail page."""
    fields = ("department", "category", "reason", "reply_text", "satisfaction", "days", "duplicate_of", "priority",
              "note")
    inputs = {f: request.POST[f] for f in fields if request.POST.get(f, "") != ""}
    try:
        appeal = services.transition(request.user, appeal_id, request.POST.get("action", ""), **inputs)
        step = workflow.get(request.POST.get("action", ""))
        messages.success(request, _("%(step)s: done.") % {"step": step.label})
        if not services.scoped(request.user).filter(pk=appeal.pk).exists():
            return redirect("appeals:list")  # e.g. a handler who returned it no longer sees it
    except InvalidInput as exc:
        messages.error(request, exc.message + (f" ({exc.hint})" if exc.hint else ""))
    return redirect("appeals:detail", appeal_id=appeal_id)


@requires("appeals.identity")
@require_POST
def identity_fragment(request, appeal_id: int):
    """htmx fragment: the unmasked identity and raw text (audited), where the case needs it."""
    appeal = services.get_appeal(request.user, appeal_id)
    return render(request, "appeals/_identity.html", {"who": services.citizen_identity(request.user, appeal, reveal=True)})


@requires("appeals.read")
@require_POST
def alert_ack(request, alert_id: int):
    services.acknowledge_alert(request.user, alert_id)
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/appeals/")
                    else reverse("appeals:list"))


# --- import wizard -------------------------------------------------------------------------------


@requires("appeals.import")
def import_upload(request):
    """Step 1: upload a CSV or XLSX file of historical work orders."""
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput("file", _("choose a file"))
            staged = importer.stage(request.user, upload.name, upload.read())
            request.session[f"import:{staged.token}"] = staged.filename
            query = urlencode(staged.mapping)
            return redirect(reverse("appeals:import_map", args=[staged.token]) + "?" + query)
        except ZhongshuError as exc:
            error = exc
    runs = AppealImport.objects.all()[:10]
    return render(request, "appeals/import_upload.html", {"error": error, "runs": runs}, status=getattr(error, "status", 200))


@requires("appeals.import")
def import_map(request, token: str):
    """Step 2: map file columns to appeal fields and preview; POST runs the import."""
    path, headers = importer.staged(token)
    source = request.POST if request.method == "POST" else request.GET
    guess = importer.guess_mapping(headers)
    mapping = {f: source.get(f, guess.get(f, "")) for f in importer.FIELDS} if source else guess
    error, rows = None, []
    try:
        if request.method == "POST" and request.POST.get("run"):
            run = importer.run_import(request.user, token, mapping, request.session.get(f"import:{token}", ""))
            return redirect("appeals:import_result", run_id=run.pk)
        rows = importer.preview(request.user, token, mapping)
    except ZhongshuError as exc:
        error = exc
    return render(request, "appeals/import_map.html", {
        "token": token, "headers": headers, "fields": list(importer.FIELDS), "mapping": mapping, "rows": rows,
        "error": error, "required": importer.REQUIRED, "filename": request.session.get(f"import:{token}", path.name),
    })


@requires("appeals.import")
def import_result(request, run_id: int):
    run = AppealImport.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound("import", run_id)
    return render(request, "appeals/import_result.html", {"run": run, "rejects": run.rejects[:200]})


@requires("appeals.import")
def import_rejects(request, run_id: int):
    response = HttpResponse(importer.rejects_csv(request.user, run_id), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run_id}-rejects.csv"'
    return response


# --- Open311 clients -----------------------------------------------------------------------------


@requires("open311.manage")
def open311_clients(request):
    """Open311: register and revoke clients (a new api_key is shown once); choose what is published."""
    new_key, error = None, None
    if request.method == "POST":
        try:
            op = request.POST.get("op")
            if op == "revoke":
                open311.set_client_active(request.user, int(request.POST.get("client_id", "0") or 0), False)
            elif op == "publication":
                open311.set_publication(request.user, request.POST.getlist("channels"), request.POST.getlist("types"))
                messages.success(request, _("Open311 now publishes what you chose."))
            else:
                client, new_key = open311.create_client(request.user, request.POST.get("name", ""))
        except (ZhongshuError, ValueError) as exc:
            error = exc
    return render(request, "appeals/open311_clients.html", {
        "clients": open311.list_clients(request.user), "new_key": new_key, "error": error,
        "publication": open311.publication(), "channels": Appeal.Channel.choices, "types": Appeal.Type.choices,
    })
