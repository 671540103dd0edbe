# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# 参数：papermill / perfkit render 会注入新值；直接在 JupyterLab 打开时用这里的默认值（参考案例）
department = "yuexiu-police"  # 部门代码（data/ 下的目录名）
year = 2023  # 年度
data_dir = None  # 数据目录；None 表示默认位置（PERFKIT_DATA_DIR、当前或上级目录的 data/，或仓库的 data/）
output_dir = None  # 图表文件的保存目录；None 表示只显示、不保存（perfkit render 传入报告目录）

# %%
import perfkit
from perfkit.present import views

views.configure_display()
analysis = perfkit.analyze(department, year, data_dir=data_dir)
views.title(analysis, "问题与改进建议")

# %% [markdown]
# 本笔记本按自评报告的结构，列出**存在的主要问题**和**下一步改进措施**：先是部门自评报告自己陈述的问题和措施（照原文，数据中有时），再是 perfkit 从评分、执行和同比中发现的问题与建议。perfkit 的措辞来自可编辑的规则文件，每条都写明依据的数字。

# %% [markdown]
# ## 三、存在的主要问题

# %%
views.problems_markdown(analysis)

# %% [markdown]
# ## 四、下一步改进措施

# %%
views.recommendations_markdown(analysis)

# %% [markdown]
# ## 附一：分析人员待补充、待确认事项
#
# 以下不是部门的问题，而是定稿前需要分析人员补充的数字或确认的假设。

# %%
views.analyst_checklist(analysis)

# %% [markdown]
# ## 附二：全部发现

# %%
views.findings_table(analysis)
