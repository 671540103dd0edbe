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
views.title(analysis, "预算执行")

# %% [markdown]
# 本笔记本分析一个部门一个年度的**预算执行**：预算数、执行数、执行率及其得分，收支总额，与上年比较，以及 PEFA 视角的预算可信度。所有数字由 perfkit 从部门数据计算。

# %% [markdown]
# ## 一、预算执行总体情况

# %%
views.execution_summary(analysis)

# %%
views.execution_table(analysis)

# %%
views.execution_chart(analysis, output_dir)

# %% [markdown]
# ## 二、收支情况

# %%
views.finance_table(analysis)

# %% [markdown]
# ## 三、与上年比较

# %%
views.yoy_budget_table(analysis)

# %%
views.trend_chart(analysis, output_dir)

# %% [markdown]
# ## 四、预算可信度（PEFA 2016 视角）

# %%
views.pefa_table(analysis)
