"""The shipped SLA presets (issue 3 item 8): plain data, installed per project and then adjusted.

``kefu.servicedesk.deadlines.install(code, project)`` (or ``kefu install_sla_preset``) turns a
preset into ``SlaPolicy``/``SlaTarget`` rows. One policy applies to an order (the most specific
match), so the callback targets of R-CB-03/R-CB-04 are part of the complaint and repair
policies rather than a preset of their own: a project installs one complaint preset
(``property_severity``, ``rectify_revisit`` or ``after_sales``) and ``repair``.

A policy: ``name``, ``order_type`` and the optional conditions ``severity``, ``channel``,
``customer_grade`` and ``category_flag`` (``"leak"``/``"safety"``: the order's category or one
of its ancestors is flagged ``is_leak``/``is_safety``), ``priority``; its ``targets``: ``metric``,
``amount`` and ``unit`` (``kefu.servicedesk.sla`` explains each unit), ``start_event``
(received / dispatched / acknowledged / completed / appointment), ``use_appointment`` (due at the
order's appointment time when it has one), ``use_requested_by`` (due at the customer's
requested time when that is earlier), ``repeat_every_days`` (a progress callback every N days
while the order is unresolved) and ``escalation`` steps (``sla.validate_steps``).
Numbers below are the regulations' own; where a rule gives none, the choice is said.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PRESETS", "preset_choices"]

# -- escalation steps shared by several targets ---------------------------------------------

REMIND_OWNER = {"at_percent": 80, "notify": "owner", "label": "即将超时"}
REMIND_ASSIGNEE = {"at_percent": 80, "notify": "assignee", "label": "即将超时"}
BREACH_SUPERVISOR = {"at_percent": 100, "notify": "supervisor", "label": "已超时"}
BREACH_MANAGER = {"at_percent": 100, "notify": "manager", "label": "已超时"}
OVERDUE_DAY_MANAGER = {"after_breach_minutes": 1440, "notify": "manager", "label": "超时一天"}
OVERDUE_DAY_GM = {"after_breach_minutes": 1440, "notify": "general_manager", "label": "超时一天"}


def target(
    metric: str,
    amount: int,
    unit: str,
    *,
    start_event: str = "received",
    use_appointment: bool = False,
    use_requested_by: bool = False,
    repeat_every_days: int | None = None,
    escalation: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "metric": metric,
        "amount": amount,
        "unit": unit,
        "start_event": start_event,
        "use_appointment": use_appointment,
        "use_requested_by": use_requested_by,
        "repeat_every_days": repeat_every_days,
        "escalation": list(escalation or []),
    }


def policy(name: str, order_type: str, targets: list[dict], **conditions: Any) -> dict[str, Any]:
    return {
        "name": name,
        "order_type": order_type,
        "severity": conditions.get("severity", ""),
        "channel": conditions.get("channel", ""),
        "customer_grade": conditions.get("customer_grade", ""),
        "category_flag": conditions.get("category_flag", ""),
        "priority": conditions.get("priority", 0),
        "targets": targets,
    }


# -- callbacks (R-CB-03, R-CB-04) ---------------------------------------------------------------

# R-CB-03: a complaint solvable at once is called back right after solving. "Right after" is a
# preset of 2 business hours from completion (0 would make every callback late the moment it is
# due); one that is not solved gets a progress call every 2 days until solved
# (repeat_every_days=2, counted from reception).
COMPLAINT_CALLBACK = target(
    "callback",
    2,
    "business_hours",
    start_event="completed",
    repeat_every_days=2,
    escalation=[
        {"at_percent": 100, "notify": "owner", "label": "请立即回访"},
        {"after_breach_minutes": 1440, "notify": "supervisor", "label": "回访超时一天"},
    ],
)


def repair_callback(days: int) -> dict[str, Any]:
    """R-CB-04: repair callbacks within 2 days (safety facilities 2 days; leaks 3 days after
    the water test — for a leak category the water test is the completion)."""
    return target(
        "callback",
        days,
        "calendar_days",
        start_event="completed",
        escalation=[REMIND_OWNER, BREACH_SUPERVISOR],
    )


# -- R-TKT-05: property, severity based --------------------------------------------------------

PROPERTY_SEVERITY = [
    policy(
        "重大投诉（R-TKT-05）",
        "complaint",
        severity="major",
        targets=[
            # "handed to the service-centre director the same day": the system hands it over at
            # once (step at 0 %, handover) — the director is the head of the service centre.
            target(
                "escalate",
                0,
                "same_day",
                escalation=[
                    {
                        "at_percent": 0,
                        "notify": "manager",
                        "label": "重大投诉当天报服务中心主任",
                        "handover": True,
                    },
                ],
            ),
            # "a clear answer to the customer within 2 days"
            target("first_answer", 2, "calendar_days", escalation=[REMIND_OWNER, BREACH_MANAGER]),
            # "resolved within 10 days"
            target(
                "resolution",
                10,
                "calendar_days",
                escalation=[REMIND_OWNER, BREACH_MANAGER, OVERDUE_DAY_GM],
            ),
            COMPLAINT_CALLBACK,
        ],
    ),
    policy(
        "重要投诉（R-TKT-05）",
        "complaint",
        severity="important",
        targets=[
            # "escalated to the department supervisor within 1 hour of reception"
            target(
                "escalate",
                1,
                "hours",
                escalation=[
                    {
                        "at_percent": 0,
                        "notify": "supervisor",
                        "label": "重要投诉1小时内报部门主管",
                        "handover": True,
                    },
                ],
            ),
            # "handled within 3 days"
            target(
                "resolution",
                3,
                "calendar_days",
                escalation=[REMIND_OWNER, BREACH_SUPERVISOR, OVERDUE_DAY_MANAGER],
            ),
            COMPLAINT_CALLBACK,
        ],
    ),
    # Minor — and a complaint not yet classified, so every complaint has a clock from the
    # start (classification then recomputes): "within 2 days, or by the deadline the customer
    # asked for" (use_requested_by: the earlier of the two).
    policy(
        "一般投诉（R-TKT-05）",
        "complaint",
        targets=[
            target(
                "resolution",
                2,
                "calendar_days",
                use_requested_by=True,
                escalation=[REMIND_OWNER, BREACH_SUPERVISOR],
            ),
            COMPLAINT_CALLBACK,
        ],
    ),
]

# -- R-TKT-06: rectify and revisit -------------------------------------------------------------

RECTIFY_REVISIT = [
    policy(
        "重大投诉（R-TKT-06）",
        "complaint",
        severity="major",
        targets=[
            # "rectified within 1 working day"
            target(
                "resolution",
                1,
                "working_days",
                escalation=[REMIND_OWNER, BREACH_MANAGER, OVERDUE_DAY_GM],
            ),
            # "callback within one week after rectification"; R-CB-03 progress calls every 2 days
            target(
                "callback",
                7,
                "calendar_days",
                start_event="completed",
                repeat_every_days=2,
                escalation=[REMIND_OWNER, BREACH_SUPERVISOR],
            ),
        ],
    ),
    # "General" = important and minor (and not yet classified).
    policy(
        "一般投诉（R-TKT-06）",
        "complaint",
        targets=[
            # "rectified within 3 working days"
            target(
                "resolution",
                3,
                "working_days",
                escalation=[REMIND_OWNER, BREACH_SUPERVISOR, OVERDUE_DAY_MANAGER],
            ),
            # "callback within two weeks after rectification"
            target(
                "callback",
                14,
                "calendar_days",
                start_event="completed",
                repeat_every_days=2,
                escalation=[REMIND_OWNER, BREACH_SUPERVISOR],
            ),
        ],
    ),
]

# -- R-TKT-07: after-sales ---------------------------------------------------------------------

AFTER_SALES = [
    policy(
        "售后投诉（R-TKT-07）",
        "complaint",
        targets=[
            # "the regional service director must answer a customer complaint within 24 hours"
            target("first_answer", 24, "hours", escalation=[REMIND_OWNER, BREACH_MANAGER]),
            # "the investigation report reaches the responsible VP within 3 days" — met when the
            # order is escalated (the report is handed over); overdue goes to the top.
            target(
                "escalate",
                3,
                "calendar_days",
                escalation=[
                    REMIND_OWNER,
                    {"at_percent": 100, "notify": "general_manager", "label": "调查报告逾期"},
                ],
            ),
            # "a complaint form is closed within 6 days of acceptance"; "overdue cases are reported
            # as overdue (逾期反映)".
            target(
                "resolution",
                6,
                "calendar_days",
                escalation=[
                    REMIND_OWNER,
                    {"at_percent": 100, "notify": "manager", "label": "逾期反映"},
                    OVERDUE_DAY_GM,
                ],
            ),
            COMPLAINT_CALLBACK,
        ],
    ),
]

# -- R-TKT-08: repairs (and R-CB-04 callbacks) -------------------------------------------------


def repair_targets(callback_days: int) -> list[dict[str, Any]]:
    return [
        # "hands it to engineering within 10 minutes" (of reception)
        target("handoff", 10, "minutes", escalation=[REMIND_OWNER, BREACH_SUPERVISOR]),
        # "the receiving technician acknowledges" — the rule gives no number: 10 minutes after
        # dispatch is our choice (adjust per project).
        target(
            "acknowledge",
            10,
            "minutes",
            start_event="dispatched",
            escalation=[REMIND_ASSIGNEE, BREACH_MANAGER],
        ),
        # "arrives on site within 15 minutes of acceptance, or before the appointment time for
        # scheduled and paid work"
        target(
            "arrival",
            15,
            "minutes",
            start_event="acknowledged",
            use_appointment=True,
            escalation=[REMIND_ASSIGNEE, BREACH_MANAGER],
        ),
        # No resolution limit in R-TKT-08: none is set.
        repair_callback(callback_days),
    ]


REPAIR = [
    policy("报修（R-TKT-08）", "repair", targets=repair_targets(2)),
    policy(
        "报修·安全设施（R-TKT-08, R-CB-04）",
        "repair",
        category_flag="safety",
        targets=repair_targets(2),
    ),
    policy(
        "报修·渗漏（R-TKT-08, R-CB-04）", "repair", category_flag="leak", targets=repair_targets(3)
    ),
    # Paid and special (scheduled) services follow the same flow; callbacks R-CB-01/R-CB-04.
    policy("有偿服务（R-TKT-08）", "paid_service", targets=repair_targets(2)),
    policy("特约服务（R-TKT-08）", "special_service", targets=repair_targets(2)),
]

PRESETS: dict[str, dict[str, Any]] = {
    "property_severity": {
        "name": "物业投诉·按严重程度",
        "rules": "R-TKT-05, R-CB-03",
        "policies": PROPERTY_SEVERITY,
    },
    "rectify_revisit": {
        "name": "投诉整改与回访",
        "rules": "R-TKT-06, R-CB-03",
        "policies": RECTIFY_REVISIT,
    },
    "after_sales": {
        "name": "售后投诉",
        "rules": "R-TKT-07, R-CB-03",
        "policies": AFTER_SALES,
    },
    "repair": {
        "name": "报修与有偿服务",
        "rules": "R-TKT-08, R-CB-04",
        "policies": REPAIR,
    },
}


def preset_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every preset, for forms and the command's help."""
    return [(code, preset["name"]) for code, preset in PRESETS.items()]
