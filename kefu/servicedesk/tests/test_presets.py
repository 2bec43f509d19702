"""The shipped SLA presets: the regulations' numbers, valid data, idempotent installation."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from kefu.servicedesk import sla
from kefu.servicedesk.choices import Channel, Metric, OrderType, Severity
from kefu.servicedesk.deadlines import ANCHORS, install
from kefu.servicedesk.models import SlaPolicy, SlaTarget
from kefu.servicedesk.presets import PRESETS, preset_choices


def targets_of(code: str, name_part: str) -> dict[str, dict]:
    (policy,) = [p for p in PRESETS[code]["policies"] if name_part in p["name"]]
    return {t["metric"]: t for t in policy["targets"]}


def numbers(t: dict) -> tuple:
    return (t["amount"], t["unit"], t["start_event"])


@pytest.mark.parametrize("code", list(PRESETS))
def test_every_preset_is_valid_data(code):
    preset = PRESETS[code]
    assert preset["name"] and preset["rules"].startswith("R-")
    names = [p["name"] for p in preset["policies"]]
    assert len(names) == len(set(names))
    for policy in preset["policies"]:
        assert policy["order_type"] in OrderType.values
        assert policy["severity"] in ("", *Severity.values)
        assert policy["channel"] in ("", *Channel.values)
        assert policy["category_flag"] in ("", "leak", "safety")
        metrics = [t["metric"] for t in policy["targets"]]
        assert len(metrics) == len(set(metrics)), policy["name"]
        for t in policy["targets"]:
            assert t["metric"] in Metric.values
            assert t["unit"] in sla.UNITS
            assert t["start_event"] in ANCHORS
            assert sla.validate_steps(t["escalation"]) == t["escalation"]
            assert t["amount"] >= 0


def test_property_severity_numbers_r_tkt_05():
    major = targets_of("property_severity", "重大")
    assert numbers(major["escalate"]) == (0, "same_day", "received")
    # "handed to the service-centre director the same day": notified at once, as the hand-over
    assert major["escalate"]["escalation"][0] == {
        "at_percent": 0,
        "notify": "manager",
        "label": "重大投诉当天报服务中心主任",
        "handover": True,
    }
    assert numbers(major["first_answer"]) == (2, "calendar_days", "received")
    assert numbers(major["resolution"]) == (10, "calendar_days", "received")
    important = targets_of("property_severity", "重要")
    assert numbers(important["escalate"]) == (1, "hours", "received")
    assert important["escalate"]["escalation"][0]["notify"] == "supervisor"
    assert numbers(important["resolution"]) == (3, "calendar_days", "received")
    minor = targets_of("property_severity", "一般")
    assert numbers(minor["resolution"]) == (2, "calendar_days", "received")
    assert minor["resolution"]["use_requested_by"] is True
    policies = {p["name"]: p["severity"] for p in PRESETS["property_severity"]["policies"]}
    assert sorted(policies.values()) == ["", "important", "major"]


def test_rectify_revisit_numbers_r_tkt_06():
    major = targets_of("rectify_revisit", "重大")
    assert numbers(major["resolution"]) == (1, "working_days", "received")
    assert numbers(major["callback"]) == (7, "calendar_days", "completed")
    general = targets_of("rectify_revisit", "一般")
    assert numbers(general["resolution"]) == (3, "working_days", "received")
    assert numbers(general["callback"]) == (14, "calendar_days", "completed")


def test_after_sales_numbers_r_tkt_07():
    t = targets_of("after_sales", "售后")
    assert numbers(t["resolution"]) == (6, "calendar_days", "received")
    assert numbers(t["first_answer"]) == (24, "hours", "received")
    assert numbers(t["escalate"]) == (3, "calendar_days", "received")
    assert {"at_percent": 100, "notify": "manager", "label": "逾期反映"} in t["resolution"][
        "escalation"
    ]


def test_repair_numbers_r_tkt_08_and_callbacks_r_cb_04():
    t = targets_of("repair", "报修（")
    assert numbers(t["handoff"]) == (10, "minutes", "received")
    assert numbers(t["acknowledge"]) == (10, "minutes", "dispatched")  # our choice: no number
    assert numbers(t["arrival"]) == (15, "minutes", "acknowledged")
    assert t["arrival"]["use_appointment"] is True
    assert "resolution" not in t  # R-TKT-08 sets none
    assert numbers(t["callback"]) == (2, "calendar_days", "completed")
    assert numbers(targets_of("repair", "安全设施")["callback"]) == (
        2,
        "calendar_days",
        "completed",
    )
    assert numbers(targets_of("repair", "渗漏")["callback"]) == (3, "calendar_days", "completed")
    flags = {p["name"]: p["category_flag"] for p in PRESETS["repair"]["policies"]}
    assert sorted(flags.values()) == ["", "", "", "leak", "safety"]


def test_complaint_callbacks_r_cb_03():
    for code in ("property_severity", "after_sales"):
        for policy in PRESETS[code]["policies"]:
            callback = {t["metric"]: t for t in policy["targets"]}["callback"]
            # "call back right after solving": 2 business hours; progress calls every 2 days
            assert numbers(callback) == (2, "business_hours", "completed")
            assert callback["repeat_every_days"] == 2
    for policy in PRESETS["rectify_revisit"]["policies"]:
        callback = {t["metric"]: t for t in policy["targets"]}["callback"]
        assert callback["repeat_every_days"] == 2


def test_preset_choices():
    assert ("property_severity", "物业投诉·按严重程度") in preset_choices()
    assert len(preset_choices()) == len(PRESETS) == 4


# -- installing -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_install_is_idempotent_and_keeps_a_projects_adjustments(org):
    p1 = org["p1"]
    policies = install("property_severity", p1)
    assert [p.name for p in policies] == [
        "重大投诉（R-TKT-05）",
        "重要投诉（R-TKT-05）",
        "一般投诉（R-TKT-05）",
    ]
    assert all(p.project == p1 and p.preset == "property_severity" for p in policies)
    assert SlaTarget.objects.filter(policy__project=p1).count() == 4 + 3 + 2
    major = SlaPolicy.objects.get(project=p1, severity="major")
    resolution = major.targets.get(metric="resolution")
    assert (resolution.amount, resolution.unit) == (Decimal("10.00"), "calendar_days")

    # the project adjusts its resolution limit to 7 days; installing again keeps it
    resolution.amount = 7
    resolution.save()
    again = install("property_severity", p1)
    assert [p.pk for p in again] == [p.pk for p in policies]
    assert SlaPolicy.objects.filter(project=p1).count() == 3
    resolution.refresh_from_db()
    assert resolution.amount == 7

    # a reset puts the preset back
    install("property_severity", p1, reset=True)
    resolution.refresh_from_db()
    assert resolution.amount == 10

    # organisation-wide and another project are separate
    install("property_severity")
    install("property_severity", org["p2"])
    assert SlaPolicy.objects.filter(project__isnull=True).count() == 3
    assert SlaPolicy.objects.count() == 9


@pytest.mark.django_db
def test_install_restores_a_deleted_target_and_reset_removes_extras(org):
    install("repair", org["p1"])
    general = SlaPolicy.objects.get(project=org["p1"], name="报修（R-TKT-08）")
    general.targets.get(metric="handoff").delete()
    SlaTarget.objects.create(policy=general, metric="resolution", amount=1, unit="working_days")
    install("repair", org["p1"])
    assert sorted(general.targets.values_list("metric", flat=True)) == [
        "acknowledge",
        "arrival",
        "callback",
        "handoff",
        "resolution",
    ]
    install("repair", org["p1"], reset=True)
    assert "resolution" not in set(general.targets.values_list("metric", flat=True))


@pytest.mark.django_db
def test_unknown_preset_is_refused():
    with pytest.raises(ValidationError, match="未知的时限预设"):
        install("nonsense")


@pytest.mark.django_db
def test_command_installs_a_preset_for_a_project(org):
    out = StringIO()
    call_command("install_sla_preset", "repair", "--project", "P1", stdout=out)
    text = out.getvalue()
    assert "已安装预设“报修与有偿服务”（翠湖花园）：5 项时限标准" in text
    assert "报修·渗漏（R-TKT-08, R-CB-04）" in text
    assert SlaPolicy.objects.filter(project=org["p1"], preset="repair").count() == 5
    call_command("install_sla_preset", "repair", "--project", "P1", stdout=StringIO())
    assert SlaPolicy.objects.filter(project=org["p1"], preset="repair").count() == 5

    listing = StringIO()
    call_command("install_sla_preset", "--list", stdout=listing)
    assert "rectify_revisit\t投诉整改与回访（R-TKT-06, R-CB-03）" in listing.getvalue()
    with pytest.raises(CommandError, match="未知的预设"):
        call_command("install_sla_preset", "nope", stdout=StringIO())
    with pytest.raises(CommandError, match="没有编码为“P9”的项目"):
        call_command("install_sla_preset", "repair", "--project", "P9", stdout=StringIO())
