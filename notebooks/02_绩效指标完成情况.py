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
views.title(analysis, "绩效指标完成情况")

# %% [markdown]
# 本笔记本逐项列出**绩效指标完成情况**：年度指标值、实际完成值、适用的评分规则、得分及理由，按一级指标和评价范围汇总总分与等级，并复算报告陈述的数字。

# %% [markdown]
# ## 一、自评结论

# %%
views.score_summary(analysis)

# %%
views.totals_table(analysis)

# %%
views.score_chart(analysis, output_dir)

# %% [markdown]
# ### 管理效率（部门整体评分表）

# %%
views.management_table(analysis)

# %% [markdown]
# ## 二、指标完成情况

# %%
views.indicator_table(analysis)

# %%
views.attainment_chart(analysis, output_dir)

# %% [markdown]
# ## 三、与上年比较

# %%
views.yoy_indicator_table(analysis)

# %% [markdown]
# ## 四、陈述数字与表内运算核对

# %%
views.checks_table(analysis)

# %% [markdown]
# ## 五、数据问题

# %%
views.data_problems(analysis)
