"""Display names for codes stored in the catalog (field labels, lineage nodes and relations)."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

NAMES = {
    # field labels (ingest.labels.DETECTORS)
    "resident_id": _("Resident ID number"),
    "mobile": _("Mobile number"),
    "landline": _("Landline number"),
    "bank_card": _("Bank card number"),
    "uscc": _("Unified social credit code"),
    "name": _("Person name"),
    "address": _("Address"),
    "plate": _("Vehicle plate"),
    # lineage nodes and relations
    "file": _("file"),
    "source": _("database source"),
    "version": _("version"),
    "dataset": _("dataset"),
    "loaded_into": _("loaded into"),
    "derived_from": _("derived from"),
}


@register.filter
def display_name(code: str) -> str:
    """The translated name of a stored code; unknown codes are shown as they are."""
    return NAMES.get(code, code)
