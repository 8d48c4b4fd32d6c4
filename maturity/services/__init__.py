"""Writes and business rules of the maturity app, one function per use case. Each checks who
may act first, runs in one transaction and writes its outbox event last."""

from .assessments import complete_assessment, save_progress, start_assessment
from .registry import (
    add_evidence,
    register_factory,
    reject_factory,
    required_level,
    resubmit_factory,
    verify_factory,
)
from .snapshots import snapshot_month, take_monthly_snapshot

__all__ = [
    "add_evidence",
    "complete_assessment",
    "register_factory",
    "reject_factory",
    "required_level",
    "resubmit_factory",
    "save_progress",
    "snapshot_month",
    "start_assessment",
    "take_monthly_snapshot",
    "verify_factory",
]
