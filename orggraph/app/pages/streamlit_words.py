"""Streamlit's own English words, said in 中文 (the widgets themselves stay Streamlit's).

Streamlit draws words of its own that no argument changes: a picker's empty list ("No results"), a field's hint
while it is typed in ("Press Enter to apply"), the uploader's button, a data table's toolbar tips, column menu and
search, a number box's message for a figure out of its range, the status widget's "Stop", the dialogs it opens
itself ("Page not found", "Connection error"), and its date picker names months and weekdays in the language of the
browser, not the app's. One script in every page
(``streamlit_words.js``) rewrites those words where Streamlit puts them — text and a few attributes, looked up in
``WORDS`` (whole texts) and ``PATTERNS`` (texts with figures or names in them) — and gives the date picker the app's
language. Every English text listed is one the installed Streamlit bundle holds (a test reads the bundle: an
upgrade that rewords one fails there, not silently in a page); the browser tests look at the words in place.
The uploader's own note (size limit and types, in English) is hidden: the import page says the same in ours.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files

import streamlit as st

from orggraph.app.pages.common import lang

NO_MATCH = "无匹配项"
ENTER = "按回车键确认"
ENTER_IN_FORM = "按回车键提交"

WORDS: dict[str, str] = {
    # pickers and fields
    "No results": NO_MATCH,
    "Press Enter to apply": ENTER,
    "Press Enter to submit form": ENTER_IN_FORM,
    "Upload": "选择文件",
    "Drag and drop files here": "将文件拖放到此处",
    "Drag and drop a file here": "将文件拖放到此处",
    "Choose an option": "请选择",
    "Choose options": "请选择",
    "Select...": "请选择…",
    "Selected values": "已选项",
    "Open": "展开",
    "Choose date": "选择日期",
    "Decrement": "减少",
    "Increment": "增加",
    "Help": "说明",
    "Add files": "添加文件",
    "Clear all": "全部清除",
    "Clear value": "清除",
    "Show password": "显示密码",
    "Hide password": "隐藏密码",
    "Clear entry": "清除输入",
    "Clear date": "清除日期",
    "Multiselect options": "多选选项",
    "Selectbox options": "下拉选项",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.": (
        "用方向键移动日期,按回车键选定,按退出键关闭。"
    ),
    "No options to select.": "没有可选项。",
    "Error": "错误",  # a number box's error tip: **Error**: Number is …
    # a data table's toolbar, column menu and search
    "Show/hide columns": "显示/隐藏列",
    "Download as CSV": "下载为 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Clear selection": "清除选择",
    "Sort ascending": "升序排列",
    "Sort descending": "降序排列",
    "Format": "格式",
    "Autosize": "自动列宽",
    "Pin column": "固定此列",
    "Unpin column": "取消固定",
    "Hide column": "隐藏此列",
    "Copy column name": "复制列名",
    "Automatic": "自动",
    "Localized": "本地格式",
    "Plain": "原样",
    "Compact": "紧凑",
    "Percent": "百分比",
    "Scientific": "科学计数",
    "Accounting": "会计格式",
    "Dollar": "美元",
    "Euro": "欧元",
    "Yen": "日元",
    "Calendar": "日历格式",
    "Distance": "相对时间",
    "Duration": "时长",
    "Statistics": "统计",
    "Minimum": "最小值",
    "Maximum": "最大值",
    "Average": "平均值",
    "Median": "中位数",
    "Sum": "合计",
    "Standard deviation": "标准差",
    "Distinct": "不同值",
    "Empty": "空值",
    "Values": "非空值",
    "Minimum length": "最短长度",
    "Maximum length": "最长长度",
    "Average length": "平均长度",
    "Range": "范围",
    "Count": "计数",
    "Based on sample": "基于抽样",
    "No data": "无数据",
    "No content": "无内容",
    "Rename": "重命名",
    "Type to search": "输入以搜索",
    "Select all": "全选",
    # a chart's toolbar and menu
    "Show data": "查看数据",
    "Show chart": "查看图表",
    "Download as PNG": "下载为 PNG",
    "Save as PNG": "保存为 PNG",
    "Save as SVG": "保存为 SVG",
    "Copy Vega-Lite spec": "复制图表定义",
    "View Source": "查看源码",
    "Open in Vega Editor": "在 Vega 编辑器中打开",
    "Vega visualization": "图表",
    "Copy to clipboard": "复制",
    # the status widget, the sidebar, headings and the dialogs Streamlit opens itself
    "Running...": "运行中…",
    "Stop": "停止",
    "Stopping...": "正在停止…",
    "Collapse sidebar": "收起侧栏",
    "Sidebar": "侧栏",
    "App pages": "页面",
    "Link to heading": "标题链接",
    "Expand sidebar": "展开侧栏",
    "View less": "收起",
    "Skip to main content": "跳到正文",
    "Page not found": "页面不存在",
    "Connection error": "连接中断",
    "Connecting": "正在连接",
    "Close": "关闭",
    "Script execution error": "页面运行出错",
    "streamlit run yourscript.py": "orggraph serve",
    "Connection lost. Please wait for the app to reconnect, then try again.": "连接已断开,请等待应用重新连接后再试。",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:": (
        "应用服务似乎已停止。请在终端重新启动:"
    ),
    "Streamlit server is not responding. Are you connected to the internet?": (
        "应用服务没有响应:请确认 orggraph serve 仍在运行。"
    ),
}

# A number box's message for a figure out of its range (shown as "Error: …"; its tip as **Error**: …), and ours
NUMBER_RANGE = [
    (r"Number is outside the allowed range\. Please enter a value between (\S+) and (\S+)\.",
     "数值超出允许范围,请输入 $1 到 $2 之间的数。"),
    (r"Number is below the allowed range\. Please enter a value greater than or equal to (\S+)\.",
     "数值低于允许范围,请输入不小于 $1 的数。"),
    (r"Number is above the allowed range\. Please enter a value less than or equal to (\S+)\.",
     "数值高于允许范围,请输入不大于 $1 的数。"),
    (r"Number is below the allowed range\.", "数值低于允许范围。"),
    (r"Number is above the allowed range\.", "数值高于允许范围。"),
]  # fmt: skip

# JavaScript regular expressions and their replacements ($1: the first group), for texts with figures or names in them
PATTERNS: list[tuple[str, str]] = [
    (r"^You have requested page (/\S*), but no corresponding file was found in the app's pages/ directory\. "
     r"Running the app's main page\.$", "所请求的页面 $1 不存在,已打开首页。"),
    (r"^The page that you have requested does not seem to exist\. Running the app's main page\.$",
     "所请求的页面不存在,已打开首页。"),
    (r"^View (\d+) more$", "另有 $1 项"),
    (r"^(\d+) results?$", "$1 条结果"),
    (r"^(\d+) of (\d+) results?$", "第 $1 条,共 $2 条"),
    (r"^(\d+) of over 1000$", "第 $1 条,共 1000 余条"),
    (r"^over 1000$", "1000 余条"),
    (r"^Remove (.+)$", "移除 $1"),
    (r"^Help for (.+)$", "$1:说明"),
    (r"^Cancel upload of (.+)$", "取消上传 $1"),
    (r"^Select (\d+) matches$", "选择全部 $1 项匹配"),
    *(
        (rf"^{prefix}{english}$", f"{said}{ours}")
        for english, ours in NUMBER_RANGE
        for prefix, said in (("", ""), ("Error: ", "错误:"), (": ", ":"))  # the error line, its tip after **Error**
    ),
]  # fmt: skip

ATTRIBUTES = ["aria-label", "title", "placeholder"]

PLACE = "<style>[data-testid='stElementContainer']:has(script[data-orggraph='words']) { display: none; }</style>"
HIDDEN = "<style>[data-testid='stFileUploaderDropzoneInstructions'] { display: none; }</style>"


@functools.cache  # every run of every page sends it: the file read and the words dumped once per language
def script(language: str) -> str:
    """The page's script for the viewer's language (``zh``: every listed word said in 中文; ``en``: none)."""
    source = files("orggraph.app.pages").joinpath("streamlit_words.js").read_text(encoding="utf-8")
    config = {"lang": language, "words": WORDS, "patterns": PATTERNS, "attributes": ATTRIBUTES}
    filled = source.replace("(CONFIG)", f"({json.dumps(config, ensure_ascii=False)})")
    return f"<script data-orggraph='words'>{filled}</script>"


def in_viewers_language() -> None:
    """Every page: Streamlit's own words in the viewer's language (a script and a style sheet, taking no room).
    In English the script still runs, to give the date picker English and stop saying words in 中文."""
    st.html(PLACE + script(lang()) + (HIDDEN if lang() == "zh" else ""), unsafe_allow_javascript=True)
