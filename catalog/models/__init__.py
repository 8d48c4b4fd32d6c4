from .review import Attachment, CheckResult, ReviewEvent, ReviewReason
from .revision import OPEN_REVISION_STATUSES, RevisionStatus, SolutionRevision
from .solution import CaseStudy, CaseStudyOutcome, ReviewTracking, Solution, SolutionStatus
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
    "OPEN_REVISION_STATUSES",
    "Attachment",
    "ReviewReason",
    "ReviewTracking",
    "RevisionStatus",
    "SolutionRevision",
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
