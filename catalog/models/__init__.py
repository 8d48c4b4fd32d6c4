from .review import CheckResult, ReviewEvent
from .solution import CaseStudy, CaseStudyOutcome, Solution, SolutionStatus
from .taxonomy import (
    FactoryTier,
    Industry,
    LifecycleStage,
    MaturityLevel,
    PlanTarget,
    Region,
    Scenario,
    ScenarioLink,
    TaxonomyRelease,
    Technology,
    in_reader_language,
)

__all__ = [
    "CaseStudy",
    "CaseStudyOutcome",
    "CheckResult",
    "FactoryTier",
    "Industry",
    "LifecycleStage",
    "MaturityLevel",
    "PlanTarget",
    "Region",
    "ReviewEvent",
    "Scenario",
    "ScenarioLink",
    "Solution",
    "SolutionStatus",
    "TaxonomyRelease",
    "Technology",
    "in_reader_language",
]
