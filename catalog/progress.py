"""Progress toward the plan's target of outstanding scenario solutions (2027: 200).

Contract (implemented by the review-SLA work; pages and the API read it):

review_progress(now=None) -> {
    "target": {"code": "scenario-solutions", "year": 2027, "value": 200},
    "approved": int,          # listings approved so far (published or archived since)
    "published": int,         # live now
    "share_of_target": float, # approved / target value
    "by_stage":    [{"code", "name", "approved", "published"}],   # in stage order
    "by_link":     [{"code", "name", "stage", "approved", "published"}],
    "by_scenario": [{"code", "name", "link", "stage", "approved", "published"}],
                   # scenarios with no approved solution first, then fewest approved first
    "median_hours_to_decision": float | None,  # submit → reviewer decision
    "decisions_counted": int,
}
"""


def review_progress(now=None):
    raise NotImplementedError
