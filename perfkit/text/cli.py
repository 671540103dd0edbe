"""What the ``perfkit`` commands print: progress, results and errors of the command line.

Used by :mod:`perfkit.cli` and the commands defined beside their work
(:mod:`perfkit.ingest.workbook`: ``template``, ``import``, ``export``).
Templates take ``str.format`` placeholders.
"""
from __future__ import annotations

from types import MappingProxyType

#: joins items of a list in a line
LIST_SEP = "、"
#: one problem under a failed command
PROBLEM_ITEM = "    - {problem}"

# --------------------------------------------------------------------------- template, import, export (ingest.workbook)

YEAR_EXISTS = "提示：{code} 已有 {year} 年的数据；要修改已有数据请用 perfkit export 导出后编辑"
IN_YEAR = "{year} 年"
TEMPLATE_WRITTEN = "已生成填报模板：{path}"
TEMPLATE_OF = "（{what}）"
CARRIED_OVER = "已沿用 {year} 年的评价范围、预算行和指标（上年完成值填入「上年实际值」）"
THEN_IMPORT = "填好后运行：perfkit import {path} --data {data}"
IMPORT_FAILED = "✗ {workbook}：{n} 个问题，未写入任何文件"
IMPORTED = "✓ 已导入 {name}（{code}）到 {target}，年度 {years}"
EXPORTED = "已导出 {name}（{code}）{years} 年的数据：{path}"

# --------------------------------------------------------------------------- perfkit check

YEAR_SUMMARY = "    {year} 年：核对 {checked} 项陈述数字/表内运算，{mismatches} 项不一致，{listed} 项仅列示"
YEAR_UNEVALUATED = "（其中 {n} 项公式无法复算）"
YEAR_UNSCORED = "；{n} 项指标无法评分（缺少实际完成值等），总分以区间表示"
YEAR_ERROR = "      ✗ {line}"
YEAR_UNCHECKED = "      ? {line}"
NOTICE = "提示：{notice}"
DEPT_PROBLEMS = "✗ {code}（{label}）：{n} 个数据问题"
DEPT_SCORING_PROBLEMS = "✗ {code}（{label}）：{n} 个数据问题（评分时无法读取），年度 {years}"
DEPT_DOUBTS = "✓ {code}（{label}）：数据文件可读，年度 {years}；复算发现 {n} 处不一致或无法复算（见下）"
DEPT_OK = "✓ {code}（{label}）：数据校验通过，年度 {years}"
NO_DEPARTMENTS = "{data} 下没有部门目录（含 department.yaml 的子目录）"
UNKNOWN_DEPARTMENTS = "未知部门：{unknown}；{data} 下的部门：{known}"
NONE = "（无）"
DATA_PROBLEMS = "\n共 {n} 个数据问题，请修改后重试。"
STRICT_DOUBTS = "\n--strict：{n} 处陈述数字或表内运算不一致或无法复算。"

# --------------------------------------------------------------------------- perfkit render

RENDERED = "已生成 {n} 个部门年度的报告（{notebooks} 个笔记本，{seconds:.1f} 秒）：{index}"
SKIPPED = "{n} 个部门年度的输入未变，沿用上次的报告（--force 可全部重新生成）"
NOTEBOOKS_FAILED = "\n{n} 个笔记本失败（对应部门年度未写入，原有报告保留）："
FAILURE_ITEM = "  - {failure}"

# --------------------------------------------------------------------------- help (argparse)

DESCRIPTION = "预算绩效自评分析：校验数据、评分、同比、问题与建议，批量生成报告。"
COMMANDS = "命令"
HELP_DATA = "数据目录（默认 data）"
HELP_DATA_WRITTEN = "写入的数据目录（默认 data）"
HELP_CHECK = "校验 data/ 下所有部门的数据，并复算报告陈述的数字"
HELP_CHECK_DEPT = "只校验该部门（可重复）"
HELP_STRICT = "陈述数字与复算不一致时也以非 0 退出"
HELP_RENDER = "用 papermill 为每个部门、每个年度渲染报告到 reports/"
HELP_RENDER_OUT = "输出目录（默认 reports）"
HELP_RENDER_DEPT = "只渲染该部门（可重复）"
HELP_RENDER_YEAR = "只渲染该年度（可重复）"
HELP_WORKERS = "并行进程数（默认 CPU 核数）"
HELP_TIMEOUT = "每个单元格的执行超时（秒，默认 600）"
HELP_NO_PROGRESS = "不显示进度条"
HELP_FORCE = "全部重新生成（默认跳过输入未变的部门年度）"
HELP_SCHEDULER = "在 Dask 集群上渲染（调度器地址，如 tcp://10.0.0.5:8786；需安装 perfkit[cluster]）"
HELP_TEMPLATE = "生成填报用 Excel 模板（可沿用某部门上年的范围、预算行和指标）"
HELP_XLSX_OUT = "输出的 .xlsx 路径"
HELP_TEMPLATE_DEPT = "部门代码（已有部门则沿用其信息）"
HELP_TEMPLATE_YEAR = "填报年度"
HELP_ROWS = "每张表预留的空行数"
HELP_IMPORT = "把填好的 Excel 模板导入为 data/ 下的 CSV/YAML（校验通过才写入）"
HELP_WORKBOOK = "填好的 .xlsx"
HELP_IMPORT_MERGE = "部门已存在时，用工作簿中的年度替换这些年度"
HELP_REPLACE = "部门已存在时，整体替换"
HELP_EXPORT = "把某部门的数据导出为同一格式的 Excel 工作簿"
HELP_DEPT_CODE = "部门代码"
HELP_EXPORT_YEAR = "只导出该年度（可重复）"
HELP_EXTRACT = "从已发布的自评报告/自评表（文本、.xlsx、.docx、PDF）提取数据草稿"
HELP_EXTRACT_FILES = "报告或自评表文件（可多个，同一部门年度）"
HELP_EXTRACT_DEPT = "部门代码（草稿目录名）"
HELP_EXTRACT_YEAR = "评价年度（默认取文件中的年度）"
HELP_EXTRACT_MERGE = "部门已存在时，用提取的年度替换该年度"

# --------------------------------------------------------------------------- errors at the command line (main)

#: what to do when a file cannot be written, per sub-command (the option that chooses the place)
WRITE_HINTS = MappingProxyType({
    "render": "或用 --out 指定其他输出目录",
    "template": "或换一个输出文件路径",
    "export": "或换一个输出文件路径",
    "import": "或用 --data 指定其他数据目录",
    "extract": "或用 --out 指定其他数据目录",
})
WRITE_HINT_OTHER = "或换一个位置"
#: why an OS call failed, by errno name
ERRNO_TEXT = MappingProxyType({
    "EACCES": "没有写入权限",
    "EPERM": "不允许写入（只读或受保护）",
    "EROFS": "所在文件系统只读",
    "ENOSPC": "磁盘空间已满",
    "EDQUOT": "超出磁盘配额",
    "ENOTDIR": "路径中有同名文件，不是目录",
    "EEXIST": "路径中有同名文件，不是目录",
    "ENOENT": "目录或文件不存在",
})
FAILED_FILE = "（{file}）"
CANNOT_READ = "错误：无法读取文件{failed}：{why}；请确认路径存在且有读取权限"
#: a write that found the disk full: free space rather than check permissions
CANNOT_WRITE_FULL = "错误：无法写入目录「{folder}」{failed}：{why}；{advice}"
CANNOT_WRITE = "错误：无法写入目录「{folder}」{failed}：{why}；请确认该目录存在且可写，{hint}"
ERROR = "错误：{error}"
INTERRUPTED = "已中断"
INTERNAL_ERROR = ("perfkit 内部错误（{kind}：{error}）；这不是数据问题。设置环境变量 {variable}=1 "
                  "重新运行可看到错误位置，请连同命令一并报告")

# --------------------------------------------------------------------------- options added with the province check
HELP_DATA_DEFAULT = "数据目录（默认当前目录或上级目录的 data/，或环境变量 PERFKIT_DATA_DIR；在源码目录中也找仓库的 data/）"
HELP_CHECK_OUT = "另写出全省汇总表（每个部门年度一行）：.csv、.xlsx 或 .parquet"
HELP_NO_CACHE = "不读不写缓存，全部重新校验"
HELP_RENDER_OUT_DEFAULT = "输出目录（默认当前目录的 reports/，或环境变量 PERFKIT_REPORTS_DIR）"
