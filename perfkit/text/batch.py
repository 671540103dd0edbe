"""What rendering a batch of reports says: planning errors, progress, and why a notebook failed.

Used by :mod:`perfkit.batch` (plan, render, worker, kernels, kernel_jobs).
Templates take ``str.format`` placeholders.
"""
from __future__ import annotations

#: joins items of a list in a message
LIST_SEP = "、"
NONE = "（无）"

# --------------------------------------------------------------------------- planning (plan)

YEAR_NOT_INTEGER = "年度「{value}」不是整数"
NO_DATA_DIRECTORY = "数据目录不存在：{base}"
NO_DEPARTMENTS = "{base} 下没有部门数据（含 department.yaml 的子目录）"
UNKNOWN_DEPARTMENTS = "未知部门：{unknown}；可用的部门：{known}"
UNKNOWN_YEARS = "未知年度：{unknown}；可用的年度：{known}"
NOTHING_TO_RENDER = "没有需要渲染的部门年度"
UNREADABLE_NOTEBOOK = "无法读取笔记本 {path}：{error}"
NO_PARAMETERS_CELL = "笔记本 {name} 没有标记为 parameters 的单元格"
MISSING_PARAMETERS = "笔记本 {name} 的 parameters 单元格缺少参数：{missing}"
NO_NOTEBOOKS = "{folder} 下没有笔记本（*.ipynb）；请用 --notebooks 指定笔记本目录"
NOTEBOOK_KERNEL = "{name}={kernel}"
MIXED_KERNELS = "笔记本使用了不同的内核，无法共用预热内核：{listed}"

# --------------------------------------------------------------------------- rendering (render, worker, kernels)

NO_WORKER = "没有可用的渲染进程"
WORKER_DIED = "渲染进程意外退出"
WITH_LOG = "：{log}"
PROGRESS = "渲染报告"
PROGRESS_UNIT = "本"
STAGE_LOADING = "数据加载"
STAGE_OUTPUTS = "报告文件"
CELL_TIMEOUT = "单元格执行超过 {timeout} 秒，已中止"
KERNEL_DIED = "内核意外退出"
WARM_UP_CELL = "预热"
KERNEL_NOT_RESPONDING = "内核无响应"
KERNEL_EXITED = "内核进程已退出"
NOT_LOADED = "部门「{department}」的分析未加载（begin 未运行或已失效）"

# --------------------------------------------------------------------------- warming a kernel (kernel_state)

#: drawn in the Chinese style on a throwaway figure and shown in a throwaway frame, so a kernel has looked up
#: its CJK glyphs before the first notebook (never seen by a reader)
WARM_UP_TEXT = "绩效自评 96.67"
WARM_UP_COLUMN = "金额"
WARM_UP_INDEX = ("甲", "乙")

# --------------------------------------------------------------------------- fonts of charts (present.fonts)

NO_CHINESE_FONT = "找不到中文字体：未安装 pylopdf-fonts-zh-cn，且系统中没有可用的中文字体"
NO_BUNDLED_FONT = "内置中文字体文件不存在：{path}"
FONT_NOT_FOUND = "环境变量 {variable} 指定的字体「{font}」未找到；可设为已安装的字体名称，或设为 bundled 使用内置字体"
