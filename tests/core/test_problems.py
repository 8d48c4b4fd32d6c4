from core.api.problems import problem_exception_handler
from core.workflow import Conflict


class Taken(Conflict):
    code = "taken"
    title = "Already taken"

    def __str__(self):
        return "Someone took it first."

    def facts(self):
        return {"holder": "someone"}


def test_every_conflict_answers_409_in_problem_details_with_its_facts():
    response = problem_exception_handler(Taken(), {})
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert response.data == {
        "type": "about:blank#taken", "title": "Already taken", "status": 409,
        "detail": "Someone took it first.", "holder": "someone"}
