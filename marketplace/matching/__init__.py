"""Matching needs to published solutions: the ranking (ranking.py), the criteria and weights
(fit.py), the reasons in words (reasons.py) and the reactions to outbox events that keep the
rankings current (consumers.py). Search is the service it asks for candidates and documents."""
