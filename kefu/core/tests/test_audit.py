"""Audit contexts: commands and jobs are attributed, and contexts nest safely (R-SEC-02)."""

import pytest
from auditlog.models import LogEntry

from kefu.core.audit import audit_context
from kefu.org.models import Organisation

pytestmark = pytest.mark.django_db


def _source(obj) -> dict:
    return LogEntry.objects.get_for_object(obj).latest("id").additional_data


def test_command_context_attributes_source_and_actor(make_user):
    user = make_user("administrator")
    with audit_context("command", actor=user, command="demo"):
        org = Organisation.objects.create(name="甲公司")
    entry = LogEntry.objects.get_for_object(org).get()
    assert entry.actor == user
    assert entry.additional_data == {"source": "command", "command": "demo"}


def test_nested_contexts_restore_the_outer_one(make_user):
    outer_user, inner_user = make_user("administrator"), make_user("cs_manager")
    with audit_context("command", actor=outer_user):
        first = Organisation.objects.create(name="甲公司")
        with audit_context("job", actor=inner_user, job="calendar_sync"):
            second = Organisation.objects.create(name="乙公司")
        third = Organisation.objects.create(name="丙公司")
    assert _source(first) == {"source": "command"}
    assert _source(second) == {"source": "job", "job": "calendar_sync"}
    assert LogEntry.objects.get_for_object(second).get().actor == inner_user
    assert _source(third) == {"source": "command"}
    assert LogEntry.objects.get_for_object(third).get().actor == outer_user
    fourth = Organisation.objects.create(name="丁公司")  # after every context closed
    entry = LogEntry.objects.get_for_object(fourth).get()
    assert entry.actor is None and not entry.additional_data
