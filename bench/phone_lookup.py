#!/usr/bin/env python
"""Phone-lookup latency benchmark (issue 2: p95 under 50 ms on 100k customers).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu python bench/phone_lookup.py \
        [--customers 100000] [--queries 500] [--database kefu_bench] [--keep]

Against the PostgreSQL server of ``DATABASE_URL`` it drops and recreates a throwaway database
(``kefu_bench`` by default; never the one ``DATABASE_URL`` names), migrates it, bulk-loads the
customers with one unit each (search text computed with ``kefu.customers.rules.search_text``,
as the models do), runs ``ANALYZE`` and then times ``kefu.customers.lookup.search(user, q)``
— the function behind the lookup page and API — for random partial phone numbers (4–7
digits), names and unit codes, evaluating each result (``list()``, prefetches included).
Prints p50/p95/p99/max in milliseconds and exits 1 if p95 is not under 50 ms.

SQLite has no trigram index, so it is refused unless ``--allow-sqlite`` (then a temporary
SQLite file is used). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 50.0
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国建华志强"
    "海燕晓东文博子涵思远雨轩浩然欣怡梓萱俊杰佳怡宇航嘉怡明轩诗涵一诺"
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "170",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument(
        "--database",
        default="kefu_bench",
        help="throwaway database to drop and recreate (default kefu_bench)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--allow-sqlite",
        action="store_true",
        help="run on a temporary SQLite file (no trigram index; not the target)",
    )
    return parser.parse_args(argv)


def recreate_postgres(url: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``url``; return its URL."""
    import psycopg

    parts = urlsplit(url)
    configured = parts.path.lstrip("/")
    if name == configured:
        sys.exit(
            f"Refusing to drop {name!r}: it is the database DATABASE_URL names. "
            "Pick another --database."
        )
    if not name.replace("_", "").isalnum():
        sys.exit(f"Invalid database name {name!r}.")
    admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def drop_postgres(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin = urlsplit(url)._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Timer:
    def __init__(self, label: str):
        self.label = label

    def __enter__(self):
        self.start = time.perf_counter()
        print(f"{self.label} …", end=" ", flush=True)
        return self

    def __exit__(self, *exc):
        print(f"{time.perf_counter() - self.start:.1f} s", flush=True)


def load(n_customers: int, rng: random.Random) -> dict[str, list[str]]:
    """Bulk-load an organisation with ``n_customers`` customers, one unit each, 30 % with an
    emergency contact. Returns samples for the queries."""
    import datetime

    from django.contrib.auth.models import User

    from kefu.customers import rules
    from kefu.customers.models import (
        Building,
        Customer,
        CustomerUnit,
        EmergencyContact,
        Floor,
        Unit,
    )
    from kefu.org.models import Organisation, Project

    batch = 5000
    n_projects = max(1, round(n_customers / 25_000))
    per_project = -(-n_customers // n_projects)
    buildings_per_project = max(1, min(40, per_project // 1000))
    per_building = -(-per_project // buildings_per_project)
    floors = 30
    per_floor = -(-per_building // floors)

    company = Organisation.objects.create(name="基准测试物业", short_name="基准")
    projects = Project.objects.bulk_create(
        Project(organisation=company, code=f"B{i + 1}", name=f"基准项目{i + 1}")
        for i in range(n_projects)
    )
    buildings = Building.objects.bulk_create(
        Building(project=p, code=str(b + 1), name=f"{b + 1}号楼")
        for p in projects
        for b in range(buildings_per_project)
    )
    floor_objs = Floor.objects.bulk_create(
        (Floor(building=b, number=f + 1) for b in buildings for f in range(floors)),
        batch_size=batch,
    )
    units: list[Unit] = []
    for floor in floor_objs:
        building = floor.building
        for r in range(per_floor):
            number = f"{floor.number:02d}{r + 1:02d}"
            units.append(
                Unit(
                    project_id=building.project_id,
                    building=building,
                    floor=floor,
                    number=number,
                    code=rules.unit_code(building.code, number),
                    area=round(rng.uniform(45, 180), 2),
                    status="occupied",
                )
            )
    by_project: dict[int, list[Unit]] = {}
    for unit in units:
        by_project.setdefault(unit.project_id, []).append(unit)
    chosen = [u for p in projects for u in by_project[p.pk][:per_project]][:n_customers]
    Unit.objects.bulk_create(chosen, batch_size=batch)

    phones: set[str] = set()

    def new_phone() -> str:
        while True:
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if phone not in phones:
                phones.add(phone)
                return phone

    customers, contacts_for = [], []
    for unit in chosen:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = new_phone()
        phone2 = new_phone() if rng.random() < 0.1 else ""
        contact = (
            (rng.choice(SURNAMES) + rng.choice(GIVEN), new_phone()) if rng.random() < 0.3 else None
        )
        contacts_for.append(contact)
        customers.append(
            Customer(
                project_id=unit.project_id,
                kind="owner" if rng.random() < 0.8 else "tenant",
                name=name,
                phone=phone,
                phone2=phone2,
                grade=rng.choice("ABCCCD"),
                is_key_account=rng.random() < 0.02,
                search_text=rules.search_text(
                    [name, phone, phone2, contact[1] if contact else None, unit.code]
                ),
            )
        )
    Customer.objects.bulk_create(customers, batch_size=batch)
    start = datetime.date(2020, 1, 1)
    CustomerUnit.objects.bulk_create(
        (
            CustomerUnit(
                customer=c,
                unit=u,
                role="owner" if c.kind == "owner" else "tenant",
                start_date=start + datetime.timedelta(days=rng.randrange(2000)),
            )
            for c, u in zip(customers, chosen, strict=True)
        ),
        batch_size=batch,
    )
    EmergencyContact.objects.bulk_create(
        (
            EmergencyContact(customer=c, name=contact[0], phone=contact[1], relation="家属")
            for c, contact in zip(customers, contacts_for, strict=True)
            if contact
        ),
        batch_size=batch,
    )
    User.objects.create_superuser("bench", password=None)
    return {
        "phone": [c.phone for c in customers],
        "name": [c.name for c in customers],
        "unit": [u.code for u in chosen],
    }


def make_queries(samples: dict[str, list[str]], n: int, rng: random.Random) -> list[tuple]:
    """60 % partial phones (4–7 consecutive digits), 20 % names, 20 % unit codes."""
    queries = []
    for i in range(n):
        pick = i % 10
        if pick < 6:
            phone = rng.choice(samples["phone"])
            length = rng.randint(4, 7)
            offset = rng.randint(0, len(phone) - length)
            queries.append(("phone", phone[offset : offset + length]))
        elif pick < 8:
            name = rng.choice(samples["name"])
            queries.append(("name", name if rng.random() < 0.5 else name[:2]))
        else:
            queries.append(("unit", rng.choice(samples["unit"])))
    rng.shuffle(queries)
    return queries


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def run(args: argparse.Namespace) -> int:
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme if url else ""
    sqlite_file = None
    if scheme in ("postgres", "postgresql", "pgsql"):
        with Timer(f"Recreating database {args.database}"):
            bench_url = recreate_postgres(
                url.replace("pgsql://", "postgresql://", 1), args.database
            )
    else:
        if not args.allow_sqlite:
            print(
                "The lookup target is measured on PostgreSQL (trigram index). Set DATABASE_URL="
                "postgres://user@host:5432/db — the benchmark creates its own throwaway "
                f"database ({args.database}) on that server — or pass --allow-sqlite.",
                file=sys.stderr,
            )
            return 2
        sqlite_file = Path(tempfile.mkdtemp(prefix="kefu-bench-")) / "bench.sqlite3"
        bench_url = f"sqlite:///{sqlite_file}"
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from kefu.customers import lookup

    rng = random.Random(args.seed)
    try:
        with Timer("Migrating"):
            call_command("migrate", verbosity=0)
        with Timer(f"Loading {args.customers:,} customers with units"):
            samples = load(args.customers, rng)
        with Timer("ANALYZE"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        user = User.objects.get(username="bench")
        queries = make_queries(samples, args.queries, rng)
        for _kind, q in queries[:20]:  # warm up the connection and caches (not timed)
            list(lookup.search(user, q))
        timings: dict[str, list[float]] = {"phone": [], "name": [], "unit": []}
        found = 0
        for kind, q in queries:
            start = time.perf_counter()
            result = list(lookup.search(user, q))
            timings[kind].append((time.perf_counter() - start) * 1000)
            found += bool(result)
        every = sorted(t for ts in timings.values() for t in ts)
        print()
        print(
            f"Database: {connection.vendor} ({connection.settings_dict['NAME']}), "
            f"{args.customers:,} customers, {len(every)} queries "
            f"({found} with results)"
        )
        print(f"{'':8}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}   (ms)")
        rows = [(k, sorted(v)) for k, v in timings.items() if v] + [("all", every)]
        for kind, values in rows:
            print(
                f"{kind:8}{len(values):>6}{statistics.median(values):>9.1f}"
                f"{percentile(values, 95):>9.1f}{percentile(values, 99):>9.1f}"
                f"{values[-1]:>9.1f}"
            )
        p95 = percentile(every, 95)
        ok = p95 < TARGET_P95_MS
        print(f"\np95 {p95:.1f} ms < {TARGET_P95_MS:.0f} ms: {'yes' if ok else 'NO'}")
        return 0 if ok else 1
    finally:
        if not args.keep:
            if sqlite_file is None:
                drop_postgres(url.replace("pgsql://", "postgresql://", 1), args.database)
            else:
                sqlite_file.unlink(missing_ok=True)
        else:
            print(f"Kept database: {bench_url}")


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
