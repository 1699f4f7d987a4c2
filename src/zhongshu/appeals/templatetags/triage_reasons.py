"""Show triage reasons in the user's language.

The models write reasons as short English-keyed phrases ("urgency: wage_arrears: 讨薪 (ongoing)");
the Chinese words that drove a decision stay as they are, the keys are translated here.
"""

import re

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

TERMS = {
    "category": _("category"), "emotion": _("emotion"), "urgency": _("urgency"), "priority": _("priority"),
    "model": _("model"), "topic": _("topic"), "keywords": _("keywords"), "ongoing": _("ongoing"), "vulnerable": _("vulnerable"),
    "negated": _("negated"), "self_harm": _("self-harm"), "health_emergency": _("health emergency"),
    "safety_hazard": _("safety hazard"), "collective_action": _("collective action"),
    "wage_arrears": _("wage arrears"), "utility_outage": _("utility outage"),
    "violence_threat": _("threat of violence"), "repeat contacts": _("repeat contacts"),
    "waiting": _("waiting"), "intensity": _("intensity"), "level": _("level"),
    "angry": _("angry"), "anxious": _("anxious"), "sad": _("sad"), "neutral": _("neutral"), "positive": _("positive"),
    "rule-only suggestion: no trained triage model is active": _("rules only: no trained triage model is active"),
    "safety words: extreme": _("safety words: extreme"),
}
# longest first, so "repeat contacts" wins over shorter keys inside it
_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(TERMS, key=len, reverse=True)))


@register.filter
def reason_display(reason: str) -> str:
    """Translate the English keys of one reason; autoescaping still applies to the result."""
    return _PATTERN.sub(lambda m: str(TERMS[m.group(0)]), str(reason))
