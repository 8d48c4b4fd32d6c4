"""What a completed assessment shows: the level, the score, a radar of the domains, the
sub-domains' levels and the weakest of them (recommendations.py adds what addresses them)."""

from dataclasses import dataclass

from catalog.models import MaturityLevel

from . import charts
from .models import SubDomain

WEAKEST_COUNT = 3


def domain_scores(subdomains, subdomain_results):
    """{domain code: weighted mean 0-5 score of its applicable sub-domains, or None}.

    `subdomains`: SubDomain rows (with their domain); `subdomain_results`: the stored
    {code: {"score": ...}} of the applicable ones."""
    totals = {}
    for subdomain in subdomains:
        weight_sum, weighted = totals.setdefault(subdomain.domain.code, [0.0, 0.0])
        item = subdomain_results.get(subdomain.code)
        if item is not None:
            totals[subdomain.domain.code] = [weight_sum + float(subdomain.weight),
                                             weighted + float(subdomain.weight) * item["score"]]
    return {code: round(weighted / weight_sum, 2) if weight_sum else None
            for code, (weight_sum, weighted) in totals.items()}


@dataclass
class SubDomainResult:
    subdomain: SubDomain
    applicable: bool
    level: int | None
    score: float | None


def assessment_results(assessment):
    """The results page's figures for a completed assessment, in four queries."""
    stored = assessment.result or {}
    subdomains = list(
        SubDomain.objects.filter(model_id=assessment.model_id)
        .select_related("domain__element").prefetch_related("scenarios__link")
    )
    rows = []
    for subdomain in subdomains:
        item = stored.get("subdomains", {}).get(subdomain.code)
        rows.append(SubDomainResult(
            subdomain=subdomain, applicable=item is not None,
            level=item["level"] if item else None, score=item["score"] if item else None,
        ))
    domains, seen = [], set()
    stored_domains = stored.get("domains", {})
    for subdomain in subdomains:
        if subdomain.domain.code not in seen:
            seen.add(subdomain.domain.code)
            domains.append((subdomain.domain, stored_domains.get(subdomain.domain.code)))
    applicable = [row for row in rows if row.applicable]
    weakest = sorted(applicable, key=lambda row: (row.score, row.subdomain.position))
    levels = {level.level: level for level in MaturityLevel.objects.all()}
    level_scores = [
        {"level": level, "name": levels[level].name if level in levels else "",
         "score": stored.get("level_scores", {}).get(str(level)),
         "reached": assessment.level is not None and level <= assessment.level}
        for level in range(1, 6)
    ]
    return {
        "level": levels.get(assessment.level),
        "next_level": levels.get((assessment.level or 0) + 1),
        "level_scores": level_scores,
        "subdomains": rows,
        "domains": domains,
        "radar": charts.radar([(domain.name, score) for domain, score in domains]),
        "weakest": weakest[:WEAKEST_COUNT],
    }
