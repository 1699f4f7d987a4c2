"""The triage-models page: versions, evaluation reports, rollback and retraining."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongshu.core.errors import ZhongshuError
from zhongshu.nlp import services
from zhongshu.web.guards import requires


@requires("nlp.manage")
def models(request):
    return render(request, "nlp/models.html", {"kinds": services.list_models(request.user)})


@requires("nlp.manage")
def report(request, kind: str, version: str):
    data = services.model_report(request.user, kind, version)
    return render(request, "nlp/report.html", {"kind": kind, "version": version, "report": data,
                                               "sections": services.evaluation_sections(data)})


@requires("nlp.manage")
@require_POST
def activate(request, kind: str, version: str):
    try:
        services.activate(request.user, kind, version)
        messages.success(request, _("Model version activated."))
    except ZhongshuError as exc:
        messages.error(request, str(exc))
    return redirect("nlp:models")


@requires("nlp.manage")
@require_POST
def retrain(request):
    services.request_retrain(request.user)
    messages.success(request, _("Retraining from the hub's appeals has been queued; new versions appear here when done."))
    return redirect("nlp:models")
