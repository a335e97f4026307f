"""What the 反映 screens say."""

NAV = "反映"
PAGE_HINT_FILER = ("这里列出您提交的反映和心理教师的处理情况。为保护学生隐私，提交后的内容"
                   "只有心理教师能看到，这里不再显示。")
PAGE_HINT_STAFF = ("班主任、年级组长提交的反映，以及您登记的反映。待处理的反映也列在"
                   "「今日工作」的最上面，处理后即从那里消失。")
FILE = "提交反映…"
DECIDE = "处理…"
REFRESH = "刷新"
COUNT = "共 {n} 条，其中待处理 {pending} 条"

FILE_TITLE = "向心理教师反映学生情况"
FILE_INTRO = ("请如实写下您看到、听到的情况。提交后内容加密保存，只有心理教师能看到；"
              "您可以在「反映」页看到处理状态。若学生有自伤、自杀或伤人的紧急危险，"
              "请先确保安全并立即电话联系心理教师。")
F_STUDENT = "学生："
F_SOURCE = "信息来源："
F_SEVERITY = "严重程度："
F_SEEN_ON = "发现日期："
F_REPORTER = "反映人（可选）："
F_TEXT = "看到的情况："
REPORTER_HINT = "如：心理委员 张三；不填则为您本人"
TEXT_HINT = "时间、地点、学生说了什么、做了什么"
SUBMIT = "提交"

DECIDE_TITLE = "处理反映"
DECIDE_INTRO = ("<b>{student}</b>（{class_name}）<br>{source}反映，{severity}；发现于 {seen_on}，"
                "{filed_by} 提交于 {filed_at}<br><br>{text}")
F_DECISION = "处理结果："
F_DECIDED_ON = "处理日期："

COL_FILED_AT = "提交时间"
COL_SEEN_ON = "发现日期"
COL_STUDENT_NO = "学籍号"
COL_NAME = "姓名"
COL_CLASS = "班级"
COL_SOURCE = "来源"
COL_SEVERITY = "严重程度"
COL_FILED_BY = "提交人"
COL_STATUS = "处理状态"
COL_TEXT = "看到的情况"
STATUS_DONE = "{decision}（{on}）"
