"""Wording of the 报告与上报 page: screening reports and the term's district export.

Kept apart from app/ui/strings.py so this page can grow without edits to a file every
GUI engineer touches. Labels of stored codes (key-student modes) stay in app.deployment.
"""

from __future__ import annotations

TAB_REPORTS = "测评报告"
TAB_EXPORT = "区级报送"
OPEN_FOLDER = "打开所在文件夹"
OPEN_FOLDER_LINK = '<a href="folder">打开所在文件夹</a>'
PDF_FILTER = "PDF 文件 (*.pdf)"
SEAL_FILTER = "密封报送文件 (*.qxseal)"

# 测评报告
CAMPAIGN = "测评批次："
CAMPAIGN_ITEM = "{name}（{instrument}，{done} 份答卷）"
CAMPAIGNS_LOADING = "正在读取测评批次…"
CAMPAIGNS_NONE = "还没有有测评结果的批次：请先在“筛查测评”中导入或录入答卷。"
KIND = "报告类型："
SCOPE = "范围："
SCOPE_SCHOOL = "全校"
SCOPE_GRADE = "年级"
SCOPE_CLASS = "班级"
GRADE_ITEM = "{name}（{classes} 个班，{done} 份答卷）"
CLASS_ITEM = "{name}（{done} 份答卷）"
GRADE_LABEL = "{name}年级"
GROUP_HINT = ("团体报告含参测情况、各量表分级人数与占比、预警等级、需关注学生在各班各年级的分布"
              "和与上次测评的比较（附图表）。只有人数和占比，不出现学生姓名，页眉印“内部”，"
              "可交班主任或在学校会议上使用。")
GROUP_HINT_OWN = "学校自用版本显示实际人数。"
GROUP_HINT_OUTSIDE = ("给校外的版本：1 至 {cut} 人的格子显示为“<{n}”（区里部署文件规定的小单元格"
                      "阈值为 {n}）。")
GROUP_OUTSIDE = "给校外（区里、家长会等）：隐去人数很少的格子"
INDIVIDUAL_HINT = ("个人报告每名学生一页，含姓名、学籍号和各量表得分，属保密材料：只交给需要"
                   "知道的老师，不向无关人员出示。打印的每名学生都会记入审计日志。")
GENERATE = "生成报告…"
SAVE_REPORT = "保存{kind}"
REPORT_NAME = "{campaign}-{kind}-{scope}-{day}.pdf"
PRINTING = "正在生成{kind}…"
REPORT_DONE_TITLE = "报告已生成"
#: What each kind of services.reports.kinds.for_campaigns() says: its hint under the
#: choices, and the message once it is written.
HINTS = {"group": GROUP_HINT, "individual": INDIVIDUAL_HINT}
DONE = {"group": "已生成团体报告（{scope}，{n} 份答卷）：\n{path}",
        "individual": "已生成 {n} 名学生的个人报告（{scope}）：\n{path}"}
LAST_REPORT = "上次生成：{path}"

# 区级报送
PERIOD = "学期："
PERIOD_CURRENT = "{period}（本学期）"
PERIOD_PREVIOUS = "{period}（上学期）"
PERIOD_HINT = "学期写作“学年起-学年止-第几学期”，如 2026-2027-1；可直接输入更早的学期。"
PREVIEW = "生成预览"
PREVIEWING = "正在生成报送预览…"
SCHOOL = "学校："
SCHOOL_TEXT = "{name}（代码 {code}）"
SCHOOL_FROM_DEPLOYMENT = "{name}（代码 {code}，来自部署文件）"
SCHOOL_FROM_DATABASE = "按建库时填写的学校名称和代码（部署文件未指定）"
DISTRICT = "区级单位："
DISTRICT_UNNAMED = "（部署文件未填写）"
DISTRICT_KEY = "区级公钥指纹："
NO_DISTRICT_KEY_SHORT = "没有（无法密封）"
SCHOOL_KEY = "本校签名密钥指纹："
SCHOOL_KEY_NONE = "尚未生成：第一次密封时生成，届时请把指纹报给区里登记"
SCHOOL_KEY_LOADING = "正在读取…"
KEY_MODE = "重点学生报送方式："
MIN_CELL = "小单元格阈值："
MIN_CELL_TEXT = "{n}（1 至 {cut} 人显示为“<{n}”）"
NO_DISTRICT_KEY = ("部署文件中没有区级公钥，现在无法密封。请区里信息中心提供含区级公钥的部署文件"
                   "（deploy.toml），放到程序所在文件夹后重新启动青心，再来密封。"
                   "预览仍可生成和查看。")
NAMED_WARNING = ("注意：区里的报送政策是“逐人报送，含姓名和学籍号”。密封的文件里会有重点学生的"
                 "姓名、学籍号和班级（见下方“重点学生名单”）。请确认这是区里正式要求的，"
                 "并按区里的规定保管和传送文件。")
PSEUDONYMOUS_NOTE = ("重点学生逐人报送，以编码代替姓名：不含姓名、学籍号和班级，区里无法由编码"
                     "查出是哪名学生。")
PREVIEW_NONE = "选择学期后点“生成预览”：下面会列出将离开学校的每个文件和每张表的每一行。"
PREVIEW_SUMMARY = "学期 {period}　测评批次：{campaigns}　共 {files} 个文件，{students}"
PREVIEW_COUNTS_ONLY = "重点学生只报人数"
PREVIEW_STUDENTS = "逐人报送 {n} 名重点学生"
PREVIEW_STALE = "数据有了变动，之前的预览已作废：请重新生成预览。"
NO_CAMPAIGNS = "无"
NOTE = "注意：{note}"
FILES_TITLE = "将报送的文件"
TABLES_TITLE = "各表内容（与文件中完全一致）"
TABLE_TAB = "{title}（{n} 行）"
FILE_NAME = "文件"
FILE_SIZE = "大小"
FILE_CONTENT = "内容"
FILE_TABLES = "包含的表"
FILE_TABLES_MANY = "{n} 张统计表（见下方）"
SIZE_TEXT = "{kib:,.1f} KB（{n:,} 字节）"
SEAL = "密封并保存…"
SEAL_CONFIRM_TITLE = "确认密封"
SEAL_CONFIRM = ("即将密封学期 {period} 的报送文件：\n\n"
                "学校：{school}（代码 {code}）\n"
                "文件：{files} 个（{names}）\n"
                "重点学生：{mode}{students}\n\n"
                "文件将加密给区级公钥（指纹 {district}），并用本校签名密钥签名。密封后内容"
                "不能再改；每次密封都记入审计日志。")
SEAL_CONFIRM_QUESTION = "\n\n确定密封吗？"
SEAL_CONFIRM_STUDENTS = "，逐人 {n} 人"
SEAL_CONFIRM_NAMED = "\n\n再次提醒：文件中含重点学生的姓名和学籍号。"
SEAL_YES = "密封"
SAVE_SEAL = "保存密封报送文件"
SEAL_NAME = "{code}_{period}.qxseal"
SEALING = "正在密封…"
SEAL_DONE_TITLE = "已密封"
SEAL_DONE = ("已密封：{path}\n大小：{size:,} 字节\nSHA-256：{sha256}\n"
             "本校签名密钥指纹：{school_key}\n区级公钥指纹：{district_key}")
SEAL_RESULT = ("已密封：{path}（{size:,} 字节）\nSHA-256：{sha256}\n"
               "本校签名密钥指纹：{school_key}　区级公钥指纹：{district_key}")
SEAL_RESULT_KEY_CREATED = "\n本校签名密钥是这次新生成的：请把它的指纹报给区里登记。"
SEAL_KEY_CREATED = ("\n\n本校签名密钥是这次新生成的：请把上面的本校签名密钥指纹报给区里登记"
                    "（打印、签字盖章，区里会电话核对）。")
