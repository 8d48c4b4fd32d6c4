from .assessment import SATISFACTION_CHOICES, SATISFACTION_VALUES, Answer, Assessment
from .factory import FactoryEvidence, SmartFactory
from .framework import Domain, Element, MaturityModel, Statement, SubDomain
from .progress import TargetSnapshot

__all__ = [
    "SATISFACTION_CHOICES",
    "SATISFACTION_VALUES",
    "Answer",
    "Assessment",
    "Domain",
    "Element",
    "FactoryEvidence",
    "MaturityModel",
    "SmartFactory",
    "Statement",
    "SubDomain",
    "TargetSnapshot",
]
