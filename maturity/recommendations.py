"""What addresses an enterprise's weakest sub-domains: the scenarios mapped to each (in the
model's data file) and the published solutions that best match them for this enterprise,
ranked by marketplace.matching with its reasons, as if the enterprise had posted a need for the
step to the sub-domain's next level."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import LifecycleStage, Region, Scenario
from marketplace.matching.ranking import match_need
from marketplace.models import EnterpriseProfile

MATCHES_PER_SUBDOMAIN = 3


@dataclass
class CapabilityNeed:
    """A need the enterprise has not posted (yet), shaped as marketplace.matching reads one.

    Without words the ranking rests on structured fit: the scenarios, the enterprise's
    industry and region, and the step from the sub-domain's level to the next."""

    scenarios: object
    industry: object
    region: object
    current_level: int | None
    target_level: int | None
    title: str = ""
    description: str = ""
    language: str = "en"
    budget_max_cny: object = None
    stages: object = field(default_factory=LifecycleStage.objects.none)


def _enterprise_context(enterprise):
    profile = (EnterpriseProfile.objects.select_related("industry")
               .filter(organization=enterprise).first())
    region = Region.objects.filter(code=enterprise.region).first() if enterprise.region else None
    return (profile.industry if profile else None), region


def need_create_url(subdomain, scenarios, current, target, industry, region):
    """The need form, filled in for the step this sub-domain needs."""
    params = [("title", _("Raise %(name)s to level %(level)d")
               % {"name": subdomain.name, "level": target})]
    params += [("scenarios", scenario.pk) for scenario in scenarios]
    params += [("current_level", current), ("target_level", target)]
    if industry is not None:
        params.append(("industry", industry.pk))
    if region is not None:
        params.append(("region", region.pk))
    return f"{reverse('need-create')}?{urlencode(params)}"


def recommend(enterprise, weakest):
    """For each weak SubDomainResult: its scenarios, its best matches and a need link."""
    industry, region = _enterprise_context(enterprise)
    recommendations = []
    for row in weakest:
        scenarios = list(row.subdomain.scenarios.all())
        current = row.level or 0
        target = min(current + 1, 5)
        need = CapabilityNeed(
            scenarios=Scenario.objects.filter(pk__in=[s.pk for s in scenarios]),
            industry=industry, region=region, current_level=current, target_level=target,
        )
        matches = match_need(need, limit=MATCHES_PER_SUBDOMAIN) if scenarios else []
        recommendations.append({
            "row": row,
            "scenarios": scenarios,
            "target_level": target,
            "matches": matches,
            "need_url": need_create_url(row.subdomain, scenarios, current, target, industry,
                                        region),
        })
    return recommendations


def quote_url(solution):
    return f"{reverse('quote-request-create')}?{urlencode({'solution': solution.pk})}"
