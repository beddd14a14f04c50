from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.annex import AnnexError, read_annex
from plans.fulltext import read_fulltext
from plans.models import Plan, Region
from plans.review import apply_review
from plans.roles import ROLE_LABELS
from targets.importer import PlanDocumentError, plan_import_document
from targets.models import Target

MIN_YEAR, MAX_YEAR = 2000, 2100


class Command(BaseCommand):
    help = "从附件表(.xlsx 或 .txt)导入一份方案的重点任务、工作措施与工作目标；--dry-run 仅预览，不写入"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="附件表文件(.xlsx 或 UTF-8 文本)")
        parser.add_argument("--slug", required=True, help="方案标识，如 liaoning-2022")
        parser.add_argument("--title", required=True, help="方案名称")
        parser.add_argument("--region", required=True, help="覆盖地区的区划代码，如 210000")
        parser.add_argument("--year", required=True, type=int, help="方案年度")
        parser.add_argument("--document-number", default="", help="文号")
        parser.add_argument("--dry-run", action="store_true", help="仅预览将要创建的内容，不写入")
        parser.add_argument("--fulltext", action="store_true", help="文件是方案全文(正文)，不是附件表")

    def handle(self, *args, **options):
        document = self._read(options)
        if options["dry_run"]:
            self._preview(document)
            return
        try:
            plan = plan_import_document(document=apply_review(document))
        except PlanDocumentError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"已导入“{plan.title}”：{_totals(document)}"))

    def _read(self, options) -> dict:
        """The plan document, once the region, the slug and the year are known to be usable."""
        _check_plan_fields(options)
        try:
            data = options["file"].read_bytes()
        except OSError:
            raise CommandError(f"无法读取文件：{options['file']}") from None
        try:
            reader = read_fulltext if options.get("fulltext") else read_annex
            return reader(
                data,
                filename=options["file"].name,
                slug=options["slug"],
                title=options["title"],
                document_number=options["document_number"],
                region_code=options["region"],
                year=options["year"],
            )
        except AnnexError as exc:
            raise CommandError(str(exc)) from None

    def _preview(self, document: dict) -> None:
        self.stdout.write(
            f"预览（仅预览，未写入）：“{document['title']}”（标识 {document['slug']}，地区 {document['region']}，"
            f"{document['start_date']} 至 {document['end_date']}）"
        )
        for task in document["key_tasks"]:
            for line in preview_lines(task):
                self.stdout.write(line)
        self.stdout.write(f"将创建：{_totals(document)}")


def _check_plan_fields(options) -> None:
    if not MIN_YEAR <= options["year"] <= MAX_YEAR:
        raise CommandError(f"年度须在 {MIN_YEAR}—{MAX_YEAR} 之间")
    if not Region.objects.filter(code=options["region"]).exists():
        raise CommandError(f"找不到区划代码为“{options['region']}”的地区")
    if Plan.objects.filter(slug=options["slug"]).exists():
        raise CommandError(f"标识为“{options['slug']}”的方案已存在")


def preview_lines(task: dict) -> list[str]:
    """One key task as the dry run prints it: the task, its departments, measures and targets."""
    departments = "、".join(_department_label(dep) for dep in task["departments"])
    lines = [
        f"重点任务 {task['number']}：{task['title']}",
        f"  完成时限：{task['deadline_text'] or '未写明'}；责任部门：{departments or '未写明'}",
    ]
    lines += [f"  措施 {m['number']}：{m['text']}" for m in task["measures"]]
    lines += [f"  目标 {t['number']}：{t['name']}　{describe_target(t)}{_shares(t)}" for t in task["targets"]]
    lines += [
        f"  句：{s['text']}　读作{ROLE_LABELS[s['role']]}（依据：{'、'.join(s['cues'])}）"
        for s in task.get("statements", [])
        if s["role"] != "target"
    ]
    return lines


def _department_label(dep: dict) -> str:
    """“区工信和科技局(牵头)”, “区建设局(500人次)”."""
    marks = [mark for mark in ("牵头" if dep["role"] == "lead" else "", dep.get("note", "")) if mark]
    return dep["name"] + "".join(f"({mark})" for mark in marks)


def _shares(target: dict) -> str:
    shares = [f"{share.get('department') or share.get('region')} {share['value']}" for share in target["allocations"]]
    return f"；分解：{'、'.join(shares)}" if shares else ""


def describe_target(target: dict) -> str:
    """“50 个（每季度，确定值）”, “2—3 所（确定值）”, “里程碑（无数值）”; 【需人工核对】 when flagged."""
    if target["value"] is None:
        text = "里程碑（无数值）"
    else:
        amount = target["value"] + (f"—{target['upper']}" if target["upper"] else "")
        period = Target.Period(target["period"]).label + "，" if target["period"] else ""
        text = f"{amount} {target['unit']}（{period}{Target.Qualifier(target['qualifier']).label}）"
    return text + ("【需人工核对】" if target.get("needs_review") else "")


def _totals(document: dict) -> str:
    tasks = document["key_tasks"]
    measures = sum(len(task["measures"]) for task in tasks)
    targets = sum(len(task["targets"]) for task in tasks)
    return f"重点任务 {len(tasks)} 项，工作措施 {measures} 条，工作目标 {targets} 个"
