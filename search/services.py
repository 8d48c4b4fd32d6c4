"""Placeholder: replaced by the search backends."""


def sync_solution(solution_id):
    return None
