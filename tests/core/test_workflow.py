from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from core.workflow import Conflict, TransitionNotAllowed, Workflow

FLOW = Workflow({("draft", "sent"): {"author"}, ("sent", "done"): {"clerk", "system"},
                 ("sent", "draft"): {"author"}})


def test_a_move_by_an_allowed_role_passes():
    FLOW.check(SimpleNamespace(status="sent"), "done", {"system"})
    assert FLOW.can(SimpleNamespace(status="draft"), "sent", {"author"})


def test_an_illegal_move_is_a_conflict_naming_the_allowed_moves():
    with pytest.raises(TransitionNotAllowed) as caught:
        FLOW.check(SimpleNamespace(status="sent"), "sent", {"author"})
    assert isinstance(caught.value, Conflict)
    assert caught.value.facts() == {"current_status": "sent", "allowed": ["done", "draft"]}
    assert "“sent”" in str(caught.value)


def test_an_illegal_move_is_refused_before_the_role_is_read():
    with pytest.raises(TransitionNotAllowed):
        FLOW.check(SimpleNamespace(status="done"), "draft", set())


def test_a_wrong_role_is_refused():
    with pytest.raises(PermissionDenied):
        FLOW.check(SimpleNamespace(status="draft"), "sent", {"clerk"})
    assert not FLOW.can(SimpleNamespace(status="draft"), "sent", {"clerk"})


def test_the_kernel_reads_the_field_it_is_given():
    flow = Workflow({("a", "b"): {"x"}}, field="stage")
    assert flow.allowed(SimpleNamespace(stage="a")) == ["b"]
