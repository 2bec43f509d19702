#!/usr/bin/env python
"""Service-desk benchmark (issue 3): order creation through the API, list latency, SLA sweep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu python bench/servicedesk.py \
        [--orders 1000000] [--seconds 20] [--clients 8] [--database kefu_bench_sd] [--keep]

Against the PostgreSQL server of ``DATABASE_URL`` it drops and recreates a throwaway database
(``kefu_bench_sd``; never the one ``DATABASE_URL`` names), migrates it, installs the SLA presets
``property_severity`` and ``repair``, creates projects, staff and customers (with
``bench/phone_lookup.py``'s loader) and bulk-loads ``--orders`` historical work orders (about
2 % still open with running deadlines, some of them due now, the rest closed with met
deadlines). Then:

1. starts ``kefu serve --no-worker --processes <--processes, default one per CPU>`` (waitress)
   on a free 127.0.0.1 port against that database
   and has ``--clients`` threads, one cs_agent token each, POST repair orders to
   ``/api/servicedesk/orders/`` for ``--seconds`` (deadlines, timeline event and audit entries
   are written by the real code path) — orders/s, p50/p95 latency;
2. times the supervisor board (``GET orders/?open=true&project=…`` as a cs_supervisor) and
   "my orders" (``GET orders/?owner=<me>&open=true`` as an agent) API lists, ``--requests``
   each — p50/p95;
3. times one escalation sweep (``kefu.servicedesk.deadlines.sweep(now)``) over the loaded data
   and then an idle sweep.

Prints the figures with PASS/FAIL per target and exits 1 when a target is missed. Not part of
the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from phone_lookup import (  # noqa: E402
    Timer,
    drop_postgres,
    percentile,
    recreate_postgres,
)
from phone_lookup import load as load_customers  # noqa: E402

TARGET_CREATE_PER_S = 200.0
TARGET_LIST_P95_MS = 100.0
TARGET_SWEEP_S = 2.0
OPEN_SHARE = 0.02
DUE_NOW_SHARE = 0.25  # of the open orders: deadline already passed, sweep has work
BATCH = 5000
REPAIR_TITLES = (
    ("厨房水龙头漏水", "厨房水龙头关不紧，一直滴水。"),
    ("卫生间下水堵塞", "卫生间地漏下水很慢，有异味。"),
    ("客厅灯不亮", "客厅吸顶灯不亮，已换灯泡仍不亮。"),
    ("入户门锁故障", "入户门锁转不动，钥匙插不进去。"),
    ("空调冷凝水滴落", "空调外机冷凝水滴到楼下阳台。"),
    ("墙面渗水", "卧室外墙一侧墙面有水渍，下雨后明显。"),
    ("插座没电", "厨房两个插座没有电，空开没有跳。"),
    ("马桶水箱漏水", "马桶水箱一直进水，停不下来。"),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="historical orders")
    parser.add_argument("--seconds", type=float, default=20.0, help="creation run length")
    parser.add_argument("--clients", type=int, default=8, help="concurrent API clients")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="kefu serve --processes (default: one per CPU)",
    )
    parser.add_argument("--requests", type=int, default=200, help="GETs per list endpoint")
    parser.add_argument("--database", default="kefu_bench_sd")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Loading


def make_staff(projects, n_agents: int) -> dict:
    """Per project: a customer-service and an engineering department, a supervisor, agents
    (cs_agent role) and technicians. Returns users by role."""
    from django.contrib.auth.models import Group, User

    from kefu.core.roles import ROLE_BY_CODE
    from kefu.org.choices import DepartmentKind
    from kefu.org.models import Department, Staff

    groups = {code: Group.objects.get(name=ROLE_BY_CODE[code].name) for code in ROLE_BY_CODE}
    out: dict = {"agents": [], "supervisors": [], "technicians": [], "departments": {}}
    n = 0

    def person(role: str, department, name: str, supervisor=None):
        nonlocal n
        n += 1
        user = User.objects.create_user(username=f"{role}_{n}", password=None)
        user.groups.add(groups[role])
        staff = Staff.objects.create(
            user=user,
            employee_no=f"B{n:05d}",
            name=name,
            department=department,
            position=ROLE_BY_CODE[role].name,
            hire_date=datetime.date(2024, 1, 1),
            supervisor=supervisor,
        )
        return user, staff

    per_project = max(1, -(-n_agents // len(projects)))
    for p in projects:
        cs = Department.objects.create(
            project=p,
            organisation=p.organisation,
            name="客服中心",
            kind=DepartmentKind.CUSTOMER_SERVICE,
        )
        eng = Department.objects.create(
            project=p, organisation=p.organisation, name="工程部", kind=DepartmentKind.ENGINEERING
        )
        out["departments"][p.pk] = (cs, eng)
        sup_user, sup = person("cs_supervisor", cs, f"{p.code}主管")
        out["supervisors"].append(sup_user)
        for _i in range(per_project):
            out["agents"].append(person("cs_agent", cs, f"{p.code}客服{n}", sup)[0])
        for _i in range(4):
            out["technicians"].append(person("technician", eng, f"{p.code}维修{n}")[0])
    # Group memberships and staff rows are what the API uses: drop cached permissions.
    for key in ("agents", "supervisors", "technicians"):
        out[key] = [User.objects.select_related("staff").get(pk=u.pk) for u in out[key]]
    return out


def load_orders(n_orders: int, people: dict, rng: random.Random, now: datetime.datetime) -> dict:
    """Bulk-load ``n_orders`` repair/complaint/inquiry orders over the last two years, each
    with its "created" event and deadlines; ``OPEN_SHARE`` still open."""
    from django.utils import timezone

    from kefu.customers.models import CustomerUnit
    from kefu.servicedesk.choices import Metric, OrderType, Status
    from kefu.servicedesk.models import (
        OrderDeadline,
        OrderEvent,
        OrderSequence,
        SlaTarget,
        WorkOrder,
    )

    targets = {}
    for t in SlaTarget.objects.select_related("policy").filter(policy__order_type="repair"):
        targets.setdefault(t.metric, t)
    metrics = [m for m in (Metric.ARRIVAL, Metric.RESOLUTION, Metric.CALLBACK) if m in targets]
    links = list(
        CustomerUnit.objects.values_list(
            "customer_id", "unit_id", "unit__project_id", "customer__phone"
        )
    )
    agents_by_project: dict[int, list] = {}
    for u in people["agents"]:
        agents_by_project.setdefault(u.staff.department.project_id, []).append(u)
    tech_by_project: dict[int, list] = {}
    for u in people["technicians"]:
        tech_by_project.setdefault(u.staff.department.project_id, []).append(u)
    project_codes = dict(
        (p.pk, p.code) for p in {u.staff.department.project for u in people["agents"]}
    )
    seq: dict[tuple[int, int], int] = {}
    span = 2 * 365 * 86400
    open_statuses = [Status.ACCEPTED, Status.DISPATCHED, Status.ACKNOWLEDGED, Status.IN_PROGRESS]
    types = [OrderType.REPAIR] * 6 + [OrderType.COMPLAINT, OrderType.INQUIRY, OrderType.HELP]
    counts = {"open": 0, "due_now": 0, "deadlines": 0}
    done = 0
    while done < n_orders:
        size = min(BATCH, n_orders - done)
        orders, plans = [], []
        for i in range(size):
            customer_id, unit_id, project_id, phone = rng.choice(links)
            is_open = rng.random() < OPEN_SHARE
            if is_open:
                received = now - datetime.timedelta(seconds=rng.uniform(600, 5 * 86400))
            else:
                # Historical: oldest first, so ids grow with time like real data.
                position = (done + i) / n_orders
                received = now - datetime.timedelta(
                    seconds=span * (1 - position) + rng.uniform(6 * 3600, 8 * 86400)
                )
            year = timezone.localtime(received).year
            seq[(project_id, year)] = seq.get((project_id, year), 0) + 1
            agent = rng.choice(agents_by_project[project_id])
            tech = rng.choice(tech_by_project[project_id])
            _cs, eng = people["departments"][project_id]
            title, description = rng.choice(REPAIR_TITLES)
            order_type = rng.choice(types)
            at = received + datetime.timedelta(minutes=rng.uniform(2, 30))
            fields = dict(
                number=f"{project_codes[project_id]}-{year}-{seq[(project_id, year)]:06d}",
                project_id=project_id,
                order_type=order_type,
                channel="phone",
                customer_id=customer_id,
                caller_phone=phone,
                unit_id=unit_id,
                title=title,
                description=description,
                received_at=received,
                receiver=agent,
                owner=agent,
                department=eng,
                assignee=tech,
                dispatched_at=at,
            )
            if is_open:
                fields["status"] = rng.choice(open_statuses)
            else:
                fields.update(
                    status=Status.CLOSED,
                    acknowledged_at=at + datetime.timedelta(minutes=3),
                    arrived_at=at + datetime.timedelta(minutes=14),
                    completed_at=at + datetime.timedelta(hours=rng.uniform(1, 30)),
                    answered_at=at + datetime.timedelta(hours=1),
                    closed_at=at + datetime.timedelta(days=3),
                    resolution="已处理，客户确认。",
                    confirmed_by="业主",
                    confirmation_method="signature",
                )
            orders.append(WorkOrder(**fields))
            plans.append((is_open, received, at))
        WorkOrder.objects.bulk_create(orders, batch_size=BATCH)
        events, deadlines = [], []
        for order, (is_open, received, at) in zip(orders, plans, strict=True):
            events.append(
                OrderEvent(
                    order=order,
                    kind="created",
                    actor_id=order.receiver_id,
                    at=received,
                    to_status="accepted",
                    data={"channel": "phone", "order_type": order.order_type},
                )
            )
            if order.order_type != OrderType.REPAIR:
                continue
            due_now = is_open and rng.random() < DUE_NOW_SHARE
            counts["open"] += is_open
            counts["due_now"] += due_now
            for k, metric in enumerate(metrics):
                row = OrderDeadline(order=order, metric=metric, target=targets[metric])
                row.started_at = at
                row.due_at = at + datetime.timedelta(hours=(0.25, 24, 72)[k % 3])
                if is_open:
                    if due_now and k == 0:
                        row.due_at = now - datetime.timedelta(minutes=rng.uniform(1, 120))
                        row.next_check_at = row.due_at
                    elif row.due_at > now:
                        row.next_check_at = row.due_at
                    else:
                        row.due_at = now + datetime.timedelta(hours=rng.uniform(1, 48))
                        row.next_check_at = row.due_at
                else:
                    row.met_at = row.started_at + datetime.timedelta(minutes=10)
                deadlines.append(row)
        OrderEvent.objects.bulk_create(events, batch_size=BATCH)
        OrderDeadline.objects.bulk_create(deadlines, batch_size=BATCH)
        counts["deadlines"] += len(deadlines)
        done += size
        if done % 100_000 < BATCH:
            print(f"[{done:,}]", end=" ", flush=True)
    OrderSequence.objects.bulk_create(
        OrderSequence(project_id=p, year=y, last=last) for (p, y), last in seq.items()
    )
    return counts


# ---------------------------------------------------------------------------------------------
# HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, threads: int, processes: int = 1) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, LOG_LEVEL="WARNING")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kefu.cli",
            "serve",
            "--no-worker",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(threads),
            "--processes",
            str(processes),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/servicedesk/")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("server did not start within 60 s")


class Client:
    def __init__(self, port: int, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def call(self, method: str, path: str, body=None) -> tuple[int, bytes, float]:
        data = json.dumps(body).encode() if body is not None else None
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=self.headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # reconnect on the next call
            raise
        return response.status, payload, (time.perf_counter() - start) * 1000


def create_run(port, agents, tokens, links_by_project, seconds, rng_seed) -> dict:
    """Each client thread posts repair orders for its agent's project until ``seconds``."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def work(index: int) -> None:
        agent = agents[index % len(agents)]
        client = Client(port, tokens[agent.pk])
        rng = random.Random(rng_seed + index)
        links = links_by_project[agent.staff.department.project_id]
        mine, failed = [], []
        for _n in range(100_000):  # bounded
            if time.monotonic() >= stop_at:
                break
            customer_id, unit_id, project_id = rng.choice(links)
            title, description = rng.choice(REPAIR_TITLES)
            body = {
                "project": project_id,
                "order_type": "repair",
                "channel": "phone",
                "customer": customer_id,
                "unit": unit_id,
                "title": title,
                "description": description,
            }
            try:
                code, payload, ms = client.call("POST", "/api/servicedesk/orders/", body)
            except (http.client.HTTPException, OSError) as exc:
                failed.append(repr(exc))
                continue
            if code == 201:
                mine.append(ms)
            else:
                failed.append(f"{code} {payload[:300]!r}")
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(agents))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - start
    return {"latencies": sorted(latencies), "errors": errors, "elapsed": elapsed}


def get_run(port, token, paths, n) -> tuple[list[float], list[str], int]:
    client = Client(port, token)
    for path in paths[:5]:  # warm-up, not timed
        client.call("GET", path)
    timings, errors, rows = [], [], 0
    for i in range(n):
        code, payload, ms = client.call("GET", paths[i % len(paths)])
        if code != 200:
            errors.append(f"{code} {payload[:300]!r}")
            continue
        timings.append(ms)
        rows += len(json.loads(payload).get("results", []))
    return sorted(timings), errors, rows


# ---------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    url = os.environ.get("DATABASE_URL", "").replace("pgsql://", "postgresql://", 1)
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        print(
            "Set DATABASE_URL=postgres://user@host:5432/db — the benchmark creates its own "
            f"throwaway database ({args.database}) on that server.",
            file=sys.stderr,
        )
        return 2
    with Timer(f"Recreating database {args.database}"):
        bench_url = recreate_postgres(url, args.database)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from kefu.customers.models import CustomerUnit
    from kefu.org.models import Project
    from kefu.servicedesk import deadlines
    from kefu.servicedesk.models import OrderDeadline, WorkOrder

    rng = random.Random(args.seed)
    results: list[tuple[str, str, str, bool | None]] = []
    server = None
    try:
        with Timer("Migrating"):
            call_command("migrate", verbosity=0)
        with Timer("Installing SLA presets property_severity, repair"):
            deadlines.install("property_severity")
            deadlines.install("repair")
        n_customers = min(100_000, max(5_000, args.orders // 10))
        with Timer(f"Loading {n_customers:,} customers with units"):
            load_customers(n_customers, rng)
        projects = list(Project.objects.select_related("organisation").order_by("id"))
        people = make_staff(projects, max(args.clients, 2 * len(projects)))
        now = timezone.now()
        start = time.perf_counter()
        with Timer(f"Loading {args.orders:,} orders (events, deadlines)"):
            counts = load_orders(args.orders, people, rng, now)
        load_s = time.perf_counter() - start
        with Timer("ANALYZE"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"  {counts['open']:,} open repair orders with running deadlines "
            f"({counts['due_now']:,} due now), {counts['deadlines']:,} deadline rows"
        )

        # 1. Creation through the API.
        agents = people["agents"][: args.clients]
        while len(agents) < args.clients:
            agents.append(people["agents"][len(agents) % len(people["agents"])])
        tokens = {u.pk: Token.objects.get_or_create(user=u)[0].key for u in people["agents"]}
        for u in people["supervisors"]:
            tokens[u.pk] = Token.objects.get_or_create(user=u)[0].key
        links_by_project: dict[int, list] = {}
        for c, u, p in CustomerUnit.objects.values_list(
            "customer_id", "unit_id", "unit__project_id"
        ):
            links_by_project.setdefault(p, []).append((c, u, p))
        port = free_port()
        connection.close()
        with Timer(
            f"Starting kefu serve --no-worker --processes {args.processes} on 127.0.0.1:{port}"
        ):
            server = start_server(
                bench_url, port, threads=max(8, args.clients), processes=args.processes
            )
        before = WorkOrder.objects.count()
        last_id = WorkOrder.objects.order_by("-id").values_list("id", flat=True).first() or 0
        print(f"Creating orders: {args.clients} clients for {args.seconds:.0f} s …", flush=True)
        created = create_run(port, agents, tokens, links_by_project, args.seconds, args.seed)
        lat = created["latencies"]
        made = WorkOrder.objects.count() - before
        rate = len(lat) / created["elapsed"]
        new_deadlines = OrderDeadline.objects.filter(order_id__gt=last_id).count()
        print(
            f"  {len(lat):,} created (rows: {made:,}, their deadlines: {new_deadlines:,}), "
            f"{len(created['errors'])} errors"
        )
        for err in created["errors"][:5]:
            print("   ", err)
        if lat:
            results.append(
                (
                    f"create via API, {args.clients} clients",
                    f"{rate:.0f} orders/s  (p50 {statistics.median(lat):.0f} ms, "
                    f"p95 {percentile(lat, 95):.0f} ms)",
                    f">= {TARGET_CREATE_PER_S:.0f}/s",
                    rate >= TARGET_CREATE_PER_S and not created["errors"],
                )
            )
        else:
            results.append(("create via API", "no order created", "", False))

        # 2. Lists.
        sup = people["supervisors"][0]
        sup_project = sup.staff.department.project_id
        board_paths = [
            f"/api/servicedesk/orders/?open=true&project={sup_project}",
            "/api/servicedesk/orders/?open=true",
            f"/api/servicedesk/orders/?status=dispatched&status=acknowledged&project={sup_project}",
            f"/api/servicedesk/orders/?breached=true&open=true&project={sup_project}",
        ]
        agent = people["agents"][0]
        mine_paths = [
            f"/api/servicedesk/orders/?owner={agent.pk}&open=true",
            f"/api/servicedesk/orders/?owner={agent.pk}",
        ]
        for label, token, paths in (
            ("supervisor board (orders/?open=true…)", tokens[sup.pk], board_paths),
            ("my orders (orders/?owner=me…)", tokens[agent.pk], mine_paths),
        ):
            timings, errors, rows = get_run(port, token, paths, args.requests)
            for err in errors[:3]:
                print("   ", err)
            if timings:
                p95 = percentile(timings, 95)
                results.append(
                    (
                        label,
                        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms "
                        f"({len(timings)} req, {rows / len(timings):.0f} rows/page)",
                        f"p95 < {TARGET_LIST_P95_MS:.0f} ms",
                        p95 < TARGET_LIST_P95_MS and not errors,
                    )
                )
            else:
                results.append((label, "all requests failed", "", False))
        server.terminate()
        server.wait(30)
        server = None

        # 3. Sweep.
        connection.close()
        due = OrderDeadline.objects.filter(next_check_at__lte=timezone.now()).count()
        sweep_now = timezone.now()
        start = time.perf_counter()
        handled = deadlines.sweep(sweep_now)
        sweep_s = time.perf_counter() - start
        start = time.perf_counter()
        idle = deadlines.sweep(sweep_now)
        idle_s = time.perf_counter() - start
        results.append(
            (
                "escalation sweep (loaded)",
                f"{sweep_s:.2f} s, {handled:,} rows ({due:,} due)",
                f"< {TARGET_SWEEP_S:.0f} s",
                sweep_s < TARGET_SWEEP_S,
            )
        )
        results.append(
            (
                "escalation sweep (idle)",
                f"{idle_s * 1000:.1f} ms, {idle} rows",
                f"< {TARGET_SWEEP_S:.0f} s",
                idle_s < TARGET_SWEEP_S,
            )
        )

        print()
        print(
            f"Database: {connection.vendor} ({args.database}), {args.orders:,} historical "
            f"orders loaded in {load_s:.0f} s, {os.cpu_count()} CPUs"
        )
        width = max(len(r[0]) for r in results)
        for label, figure, target, ok in results:
            verdict = "PASS" if ok else "FAIL"
            print(f"{label:<{width}}  {figure:<58} {target:<14} {verdict}")
        return 0 if all(r[3] for r in results) else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep:
            drop_postgres(url, args.database)
        else:
            print(f"Kept database: {bench_url}")


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
