"""Every URL of the product, generated from the URL configuration, against every role.

New URLs are covered automatically: a URL whose kwargs cannot be filled from SAMPLE_KWARGS makes the test fail,
so whoever adds one has to say what it is about.
"""

from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from targets.models import Allocation, AuditEntry, MonthlyFigure, Submission
from tests.conftest import SHENYANG

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "healthz", "reset_link"}  # reset_link: a one-time link answers only to its own token
SKIP_NAMESPACES = {"admin"}  # Django's admin has its own staff checks, tested separately


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in SKIP_NAMESPACES:
                continue
            yield from _named_patterns(p, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", p


def _sample_kwargs(demo_plan, region):
    shenyang = region(SHENYANG)
    allocation = Allocation.objects.filter(region=shenyang, target__key_task__plan=demo_plan).first()
    submission = Submission.objects.filter(region=shenyang, plan=demo_plan).first()
    return {
        "slug": demo_plan.slug,
        "year": 2022,
        "month": 11,
        "region_code": shenyang.code,
        "allocation_id": allocation.id,
        "pk": submission.id,
        "action": "approve",
        "department_id": Allocation.objects.exclude(department=None).values_list("department_id", flat=True)[0],
        "table": "overview",
        "fmt": "xlsx",
        "user_id": Profile.objects.filter(region=shenyang).values_list("user_id", flat=True).first() or 0,
        "attachment_pk": 1,
        "uidb64": "MQ",
        "token": "not-a-token",
    }


def _urls(demo_plan, region):
    sample = _sample_kwargs(demo_plan, region)
    for name, pattern in _named_patterns():
        keys = list(pattern.pattern.regex.groupindex)
        missing = [k for k in keys if k not in sample]
        assert not missing, f"URL {name} takes {missing}: add them to the scope matrix"
        if name.startswith("api:"):
            continue  # the API has its own matrix in tests/api
        yield name, reverse(name, kwargs={k: sample[k] for k in keys}), keys


def test_anonymous_users_reach_only_login_and_healthz(demo_plan, region, client):
    for name, url, _ in _urls(demo_plan, region):
        response = client.get(url)
        if name in PUBLIC:
            assert response.status_code in (200, 503), name
        elif response.status_code == 405:  # a POST-only view: it must send an anonymous POST to the login page
            response = client.post(url)
            assert response.status_code == 302 and "/login/" in response["Location"], (name, response.status_code)
        else:
            assert response.status_code == 302 and "/login/" in response["Location"], (
                name,
                response.status_code,
            )


@pytest.mark.parametrize("who", ["dalian_viewer", "outsider"])
def test_users_cannot_touch_shenyang_objects_by_url(who, demo_plan, region, cast, client):
    """URLs that name a 沈阳 object (its grid, its figures, its submission) refuse non-reporters of 沈阳."""
    client.force_login(cast[who])
    figures, audit = MonthlyFigure.objects.count(), AuditEntry.objects.count()
    for name, url, keys in _urls(demo_plan, region):
        if not {"region_code", "allocation_id", "pk", "user_id"} & set(keys):
            continue
        for method in (client.get, client.post):
            response = method(url, {"value": "1", "reason": "x", "until": "2030-01-01"})
            assert response.status_code in (403, 404, 405) or (
                response.status_code == 302 and method == client.post and name.startswith("reports:")
            ), (who, name, method.__name__, response.status_code)
    assert (MonthlyFigure.objects.count(), AuditEntry.objects.count()) == (figures, audit)


def test_viewer_asking_for_another_citys_region_gets_404(demo_plan, region, cast, client):
    client.force_login(cast["dalian_viewer"])
    checked = 0
    for name, url, keys in _urls(demo_plan, region):
        if keys or name in PUBLIC or name in {"logout", "home"}:
            continue
        response = client.get(f"{url}?plan={demo_plan.slug}&region={SHENYANG}")
        # lists of the user's own, no region
        own = {
            "plans:list",
            "targets:plan_import",
            "targets:notifications",
            "api_tokens",
            "api_tokens_admin",
            "two_factor",
            "password_change",
        }
        assert response.status_code in (403, 404, 405) or name in own, (
            name,
            response.status_code,
        )
        checked += 1
    assert checked >= 5


def test_city_reporter_can_open_own_grid_but_not_another_citys(demo_plan, cast, client):
    client.force_login(cast["shenyang_reporter"])
    own = reverse("targets:grid", args=[demo_plan.slug, 2022, 11, SHENYANG])
    other = reverse("targets:grid", args=[demo_plan.slug, 2022, 11, "210200"])
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    assert client.post(other, {"version": 0}).status_code == 404


# --- The full matrix (issue 12) ------------------------------------------------------------------------------
#
# Every named URL of the product and of the API × every role × objects inside and outside the role's subtree,
# with valid POST bodies so that only a permission check can refuse. Unique markers are planted in the remarks
# (figures, audit entries), the circular files and job errors of 大连 (a draft month), 吉林 and 沈阳; a response
# (html, csv, xlsx, docx, json) must never carry the marker of a region outside the role's subtree, and a refused
# write must leave the database as it was.

import hashlib  # noqa: E402
import io  # noqa: E402
import zipfile  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from plans.models import (  # noqa: E402
    AdminAction,
    ApiToken,
    Department,
    Plan,
    Profile,
    Region,
)
from reports.models import Circular, CircularJob, CircularStyle, Notice, NoticeAttachment  # noqa: E402
from targets.excel import COL_ID, COL_VALUE, FIRST_DATA_ROW, build_entry_template  # noqa: E402
from targets.exports import template_rows  # noqa: E402
from targets.grid import grid_for  # noqa: E402
from targets.models import Notification, Reminder  # noqa: E402
from tests.conftest import DALIAN, DEMO_TODAY, LIAONING, make_region, make_user  # noqa: E402

MARKS = {"shenyang": "MXSHENYANG7", "dalian": "MXDALIAN7", "jilin": "MXJILIN7"}
SETS = {  # object set → (plan slug, year, open month, region code)
    "shenyang": ("liaoning-2022", 2022, 11, SHENYANG),
    "dalian": ("liaoning-2022", 2022, 11, DALIAN),
    "jilin": ("jilin-2022", 2023, 6, "220100"),
}
# role → (profile role, region code, the object sets inside its subtree)
ROLES = {
    "admin_liaoning": (Profile.Role.ADMIN, LIAONING, {"shenyang", "dalian"}),
    "admin_jilin": (Profile.Role.ADMIN, "220000", {"jilin"}),
    "admin_shenyang": (Profile.Role.ADMIN, SHENYANG, {"shenyang"}),
    "reporter_shenyang": (Profile.Role.REPORTER, SHENYANG, {"shenyang"}),
    "viewer_shenyang": (Profile.Role.VIEWER, SHENYANG, {"shenyang"}),
    "leader_province": (Profile.Role.LEADER, LIAONING, {"shenyang", "dalian"}),
    "leader_city": (Profile.Role.LEADER, SHENYANG, {"shenyang"}),
    "leader_county": (Profile.Role.LEADER, "210102", set()),
    "no_profile": (None, None, set()),
}
NOT_SENT = {"logout", "login", "healthz", "reset_link", "api:openapi-view", "api:openapi-json", "api:api-root"}
# Pages that name no object: whatever the query says, they show the user's own scope (markers still checked).
SCOPE_PAGES = {
    "home",
    "plans:list",
    "targets:plan_import",
    "targets:audit_log",
    "targets:notifications",
    "reports:notices",
    "targets:entry",
    "api:plan_list",
    "api:region_list",
    "api_tokens",
    "password_change",
    "manage:home",
    "manage:users",
    "manage:user_new",
    "manage:contacts",
    "manage:deliveries",
    "manage:plans",
    "manage:log",
    "api_tokens_admin",
    "two_factor",
    "two_factor_verify",
}
EXPORTS = [("ranking", "csv"), ("ranking", "xlsx"), ("my_region", "xlsx"), ("overview", "csv")]


@pytest.fixture
def world(demo_plan, region, tmp_path, time_machine, settings):
    """Markers planted, one circular and one failed job per object set, a county under 沈阳, the users."""
    time_machine.move_to(DEMO_TODAY)
    settings.ROBOT_HOSTS = ("127.0.0.1",)  # the robot address the matrix saves: a closed local port
    make_region("210102", "和平区", "county", region(SHENYANG))
    objects = {}
    for name, (slug, year, month, code) in SETS.items():
        plan, where = Plan.objects.get(slug=slug), region(code)
        MonthlyFigure.objects.filter(allocation__region=where).update(remark=MARKS[name])
        AuditEntry.objects.create(subject=AuditEntry.Subject.FIGURE, plan=plan, region=where, remark=MARKS[name])
        if name != "shenyang":  # a draft month: withheld from peers
            Submission.objects.filter(plan=plan, region=where, year=year, month=month).update(status="draft")
        # The review URL returns the month before, which is approved: a valid action, refused only by scope.
        reviewed = Submission.objects.get(plan=plan, region=where, year=year, month=month - 1, status="approved")
        files = {fmt: Path(settings.MEDIA_ROOT) / f"{name}.{fmt}" for fmt in ("docx", "xlsx")}
        for path in files.values():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(MARKS[name].encode())
        circular = Circular.objects.create(
            plan=plan,
            region=where,
            year=year,
            month=month,
            version=1,
            title=f"通报{name}",
            docx_path=str(files["docx"]),
            xlsx_path=str(files["xlsx"]),
        )
        job = CircularJob.objects.create(
            plan=plan, region=where, year=year, month=month, status="failed", error=MARKS[name]
        )
        allocation = Allocation.objects.filter(region=where, target__key_task__plan=plan).order_by("pk").first()
        owner = make_user(f"owner_{name}", Profile.Role.VIEWER, code)
        token, _ = ApiToken.issue(owner, f"他人的令牌{MARKS[name]}")  # its name is a marker on the admins' list
        notice = Notice.objects.create(
            plan=plan,
            region=where,
            target=allocation.target,
            year=year,
            month=month,
            colour="yellow",
            number=f"督办{name}",
            reason=MARKS[name],
            answer_due=DEMO_TODAY,
            issuer_region=plan.region,
        )
        evidence_file = tmp_path / "media" / f"evidence-{name}.pdf"
        evidence_file.parent.mkdir(parents=True, exist_ok=True)
        evidence_file.write_bytes(f"%PDF-{MARKS[name]}".encode())
        attachment = NoticeAttachment.objects.create(
            notice=notice, stored_name=evidence_file.name, original_name="佐证.pdf", kind="pdf", size=10
        )
        department, _ = Department.objects.get_or_create(name=f"矩阵部门{name}", region=plan.region)
        Allocation.objects.get_or_create(target=allocation.target, year=year, department=department, region=None)
        notification = Notification.objects.create(user=owner, kind="reminder", title=MARKS[name])
        reminder = Reminder.objects.create(
            plan=plan, year=year, month=month, kind="manual", channels="site", message=MARKS[name]
        )
        reminder.regions.set([where])
        objects[name] = {
            "reminder": reminder,
            "notice": notice,
            "attachment": attachment,
            "department": department,
            "notification": notification,
            "token": token,
            "owner": owner,
            "plan": plan,
            "region": where,
            "year": year,
            "month": month,
            "submission": reviewed,
            "circular": circular,
            "job": job,
            "allocation": allocation,
        }
    users = {}
    for role, (profile_role, code, _) in ROLES.items():
        users[role] = make_user(f"m_{role}", profile_role, code)
    return {"objects": objects, "users": users}


def _kwargs(name: str, obj: dict, keys) -> dict:
    pk = {
        "targets:submission_review": obj["submission"].pk,
        "targets:review": obj["submission"].pk,
        "targets:reminder_detail": obj["reminder"].pk,
        "reports:job_status": obj["job"].pk,
        "reports:job_retry": obj["job"].pk,
        "reports:circular_download": obj["circular"].pk,
        "reports:circular_issue": obj["circular"].pk,
        "api_token_revoke": obj["token"].pk,  # someone else's token, whatever the role
        "api_token_admin_revoke": obj["token"].pk,  # a token of a user in (or outside) the admin's subtree
        "targets:notification_open": obj["notification"].pk,  # someone else's message, whatever the role
        "reports:notice_detail": obj["notice"].pk,
        "reports:notice_sign": obj["notice"].pk,
        "reports:notice_answer": obj["notice"].pk,
        "reports:notice_review": obj["notice"].pk,
        "reports:notice_download": obj["notice"].pk,
        "reports:notice_instruct": obj["notice"].pk,
        "reports:notice_archive": obj["notice"].pk,
        "reports:notice_attachment": obj["notice"].pk,
    }.get(name)
    values = {
        "slug": obj["plan"].slug,
        "year": obj["year"],
        "month": obj["month"],
        "region_code": obj["region"].code,
        "allocation_id": obj["allocation"].pk,
        "pk": pk,
        "action": "return",
        "fmt": "docx",
        "table": "ranking",
        "department_id": obj["department"].pk,
        "user_id": obj["owner"].pk,
        "attachment_pk": obj["attachment"].pk,
    }
    return {k: values[k] for k in keys}


# URLs whose only object is the plan (by slug): outside when the plan is not visible; a foreign region in their
# body (an upload, an allocation) must still leave the database unchanged.
PLAN_ONLY = {
    "plans:detail",
    "targets:allocations",
    "targets:template",
    "targets:upload",
    "reports:next_steps",
    "api:plan_detail",
    "api:target_list",
    "api:allocation_list",
    "api:plan_completeness",
    "manage:plan_settings",
    "manage:circular_style",
    "manage:reopen",
    "manage:plan_assessments",
}


def _requests(world):
    """(object set, url name, url, method, body) for every pattern of the URLconf and the API."""
    for set_name, obj in world["objects"].items():
        query = f"?plan={obj['plan'].slug}&year={obj['year']}&month={obj['month']}&region={obj['region'].code}"
        for name, pattern in _named_patterns():
            if name in NOT_SENT:
                continue
            keys = list(pattern.pattern.regex.groupindex)
            if name == "reports:table_export":
                for table, fmt in EXPORTS:
                    url = reverse(name, kwargs={"table": table, "fmt": fmt}) + query
                    yield set_name, name, url, "get", None
                continue
            url = reverse(name, kwargs=_kwargs(name, obj, keys))
            if name == "reports:table_fragment":  # its table is in the path, what it is about in the query
                yield set_name, name, url + query, "get", None
                continue
            if name.startswith("api:"):
                period = f"?year={obj['year']}&month={obj['month']}"
                region_filter = "" if name in PLAN_ONLY else f"&region={obj['region'].code}"
                yield set_name, name, url + period + region_filter, "api", None
                continue
            yield set_name, name, url + ("" if keys else query), "get", None
            body = _post_body(name, obj)
            if body is not None:
                yield set_name, name, url, "post", body


def _post_body(name: str, obj: dict):
    plan, region, year, month = obj["plan"], obj["region"], obj["year"], obj["month"]
    if name == "targets:grid":
        grid = grid_for(plan, year, month, region, today=DEMO_TODAY)
        body = {"version": grid.version}
        for row in grid.rows:
            pk = row.allocation_id
            shown = "" if row.value is None else f"{row.value.normalize():f}"
            body |= {
                f"value_{pk}": shown,
                f"orig_value_{pk}": shown,
                f"remark_{pk}": row.remark,
                f"orig_remark_{pk}": row.remark,
            }
        first = next(r for r in grid.rows if not r.is_milestone)
        body[f"value_{first.allocation_id}"] = "1"
        return body
    if name == "targets:upload":
        return {"file": _template_file(plan, year, month, region)}
    return {
        "targets:reopen": {"until": "2030-12-31"},
        "targets:submission_review": {"reason": "矩阵测试"},
        "targets:allocations": {f"r_{region.pk}": "5"},
        "reports:next_steps": {"next_steps": "矩阵测试要求"},
        "reports:circular_request": {"plan": plan.slug, "year": year, "month": month},
        "reports:job_retry": {},
        "api_token_revoke": {},
        "api_token_admin_revoke": {},
        "targets:plan_import": {"slug": "matrix", "title": "矩阵", "region": region.pk, "year": year},
        "targets:chase": {"message": "矩阵催报", "action": "send"},
        "reports:notice_issue": {
            "plan": plan.slug,
            "year": year,
            "month": month,
            "item": f"{region.code}:{obj['allocation'].target_id}",
            f"{region.code}-requirement": "矩阵督办",
        },
        "reports:notice_sign": {},
        "reports:notice_answer": {"reasons": "矩阵", "measures": "矩阵", "date": "2030-01-01"},
        "reports:notice_review": {"decision": "close", "comment": "矩阵"},
        "manage:user_new": {"username": "matrix_new", "full_name": "矩阵", "role": "viewer", "region": region.pk},
        "manage:user_edit": {"full_name": "矩阵", "role": "viewer", "region": region.pk},
        "manage:user_active": {"active": "0"},
        "manage:user_password": {},
        "manage:user_reset_link": {},
        "manage:region_contacts": {"url": "https://127.0.0.1:9/cgi-bin/webhook/send?key=matrix"},
        "manage:region_test": {},
        "manage:department_contacts": {"url": "https://127.0.0.1:9/cgi-bin/webhook/send?key=matrix"},
        "manage:department_test": {},
        "manage:plan_settings": {
            "entry_basis": "month",
            "reporting_deadline_day": "12",
            "lag_threshold_points": "8",
        },
        "manage:circular_style": {
            "masthead": "矩阵厅",
            "recipients": "矩阵主送",
            "notice_blue_days": "15",
            "notice_answer_days": "7",
        },
        "manage:reopen": {
            "holder": f"r{region.code}",
            "year": year,
            "month": month,
            "until": "2027-01-31",
            "reason": "矩阵",
        },
        "reports:notice_instruct": {"text": "矩阵批示"},
        "reports:circular_issue": {"issue_date": DEMO_TODAY.isoformat()},
        "reports:notice_archive": {},
    }.get(name)


def _template_file(plan, year, month, region) -> SimpleUploadedFile:
    import openpyxl

    superuser = type("Everyone", (), {"is_authenticated": True, "is_superuser": True, "pk": 0})()
    rows = template_rows(plan, year, month, region, superuser)
    data = build_entry_template(plan_title=plan.title, plan_slug=plan.slug, year=year, month=month, rows=rows)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    for number in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if (
            sheet.cell(number, COL_ID).value
            and next(r for r in rows if r.allocation_id == sheet.cell(number, COL_ID).value).kind == "flow"
        ):
            sheet.cell(number, COL_VALUE).value = 2
            break
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("matrix.xlsx", buffer.getvalue())


def _body_text(response) -> str:
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    texts = [content.decode("utf-8", "ignore")]
    if content[:2] == b"PK":  # xlsx and docx: the text lives in the zipped XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            texts += [archive.read(n).decode("utf-8", "ignore") for n in archive.namelist() if n.endswith(".xml")]
    return "".join(texts)


def _snapshot(obj: dict) -> str:
    """What a refused write must leave unchanged, for the object's region and plan."""
    region, plan = obj["region"], obj["plan"]
    parts = [
        list(
            MonthlyFigure.objects.filter(allocation__region=region)
            .order_by("pk")
            .values_list("pk", "value", "remark", "version")
        ),
        list(
            Submission.objects.filter(region=region)
            .order_by("pk")
            .values_list("pk", "status", "version", "reopened_until")
        ),
        list(Allocation.objects.filter(region=region).order_by("pk").values_list("pk", "value")),
        AuditEntry.objects.filter(region=region).count(),
        Plan.objects.filter(pk=plan.pk).values_list("next_steps", flat=True)[0],
        CircularJob.objects.filter(region=region).count(),
        Plan.objects.count(),
        ApiToken.objects.filter(pk=obj["token"].pk).exists(),
        list(Notice.objects.filter(region=region).order_by("pk").values_list("pk", "status", "answer_reasons")),
        Reminder.objects.filter(plan=plan).count(),
        AdminAction.objects.filter(region=region).count(),
        Region.objects.filter(pk=region.pk).values_list("webhook_url", flat=True)[0],
        Department.objects.filter(pk=obj["department"].pk).values_list("webhook_url", flat=True)[0],
        list(
            Profile.objects.filter(region=region)
            .order_by("pk")
            .values_list("pk", "role", "user__first_name", "user__is_active", "user__password")
        ),
        list(Plan.objects.filter(pk=plan.pk).values_list("entry_basis", "reporting_deadline_day")),
        list(CircularStyle.objects.filter(plan=plan).values_list("masthead", "recipients")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


REFUSED = (400, 403, 404)
VALID_WRITES = {
    "targets:grid",
    "targets:upload",
    "targets:reopen",
    "targets:submission_review",
    "targets:allocations",
    "reports:next_steps",
    "reports:job_retry",
    "manage:user_edit",
    "manage:user_active",
    "manage:user_password",
    "manage:region_contacts",
    "manage:department_contacts",
    "manage:plan_settings",
    "manage:circular_style",
    "manage:reopen",
}


@pytest.mark.parametrize("role", list(ROLES))
def test_every_url_and_api_path_keeps_each_role_inside_its_subtree(role, world, client, django_assert_max_num_queries):
    _, _, inside = ROLES[role]
    user = world["users"][role]
    client.force_login(user)
    client.raise_request_exception = False
    _, key = ApiToken.issue(user, "矩阵")
    foreign = {MARKS[s] for s in SETS if s not in inside}
    visible_plans = set(Plan.objects.visible_to(user).values_list("slug", flat=True))
    sent = 0
    for set_name, name, url, method, body in _requests(world):
        obj = world["objects"][set_name]
        foreign_object = set_name not in inside
        outside = not visible_plans & {obj["plan"].slug} if name in PLAN_ONLY else foreign_object
        proves_body = role == "admin_liaoning" and set_name == "shenyang" and name in VALID_WRITES
        before = _snapshot(obj) if method == "post" and (foreign_object or proves_body) else None
        if method == "api":
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
        elif method == "post":
            response = client.post(url, body)
        else:
            response = client.get(url)
        sent += 1
        where = (role, set_name, name, method, url, response.status_code)
        assert response.status_code < 500, where
        text = _body_text(response)
        leaked = [m for m in foreign if m in text]
        assert not leaked, (*where, leaked)
        if outside and name not in SCOPE_PAGES:
            refused = REFUSED + ((302,) if method == "post" else (405,))
            assert response.status_code in refused, where
        if before is not None and proves_body:  # the bodies are valid: the province's admin changes each
            assert _snapshot(obj) != before, ("the body changed nothing", *where)
        elif before is not None:
            assert _snapshot(obj) == before, ("database changed", *where)
    print(f"scope matrix: {role}: {sent} requests")
    assert sent > 100
