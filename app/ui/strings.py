"""Wording that exists only on screen (window titles, buttons, hints).

Labels for stored codes (genders, statuses, roles, audit actions) live in app.labels and
are not repeated here; error messages come from the services' own exceptions.
"""

from __future__ import annotations

APP_TITLE = "青心 · 学生心理档案"
APP_TITLE_SCHOOL = "{school} · 青心 · 学生心理档案"
DB_INCOMPLETE = (
    "{folder} 中的青心数据库不完整：缺少 {missing}。\n"
    "数据库文件和密钥文件（.keys）必须放在一起。请从备份恢复，或联系区县技术支持。"
)
DB_UNREACHABLE = (
    "找不到数据文件夹 {folder} 所在的磁盘。\n"
    "如果数据放在移动硬盘、U 盘或其他分区上，请先接好再打开青心；"
    "数据位置由部署文件或启动参数指定，需要更改请联系区县技术支持。"
)
DEPLOY_INVALID = (
    "{message}\n\n部署文件由区教育局信息中心提供。青心不会在部署设置有误时启动，"
    "以免按不完整的设置工作。请把这条提示告诉区县技术支持，改正部署文件后再打开青心。"
)

# workers / error dialogs
WORKING = "正在处理…"
CANCEL = "取消"
CANCELLED_TITLE = "已取消"
PROBLEM_TITLE = "无法完成"
PROBLEM_LIST_INTRO = "具体问题："
PROBLEMS_MORE = "……另有 {n} 条，请查看“详细信息”。"
UNEXPECTED_TITLE = "程序错误"
UNEXPECTED_TEXT = (
    "发生了意外错误，操作没有完成，已写入的数据不受影响。\n"
    "错误类型已记入日志（不含学生信息）。如反复出现，请联系区县技术支持。"
)

# setup wizard
SETUP_TITLE = "青心 · 首次设置"
SETUP_SCHOOL_TITLE = "学校信息"
SETUP_SCHOOL_HINT = "青心把本校学生的心理档案加密保存在这台电脑上，不联网。请先填写学校名称。"
SETUP_SCHOOL_NAME = "学校名称："
SETUP_ADMIN_TITLE = "管理员账户"
SETUP_ADMIN_HINT = (
    "管理员可以管理用户、导入名册、查看审计日志。密码至少 {n} 个字符，"
    "请牢记：忘记密码只能用下一步生成的恢复码重设。"
)
SETUP_USERNAME = "用户名："
SETUP_DISPLAY_NAME = "姓名："
SETUP_DISPLAY_NAME_HINT = "档案和记录中显示的名字，如“王老师”"
SETUP_PASSWORD = "密码："
SETUP_PASSWORD_AGAIN = "再次输入密码："
SETUP_CREATE_BUTTON = "建立数据库"
SETUP_CREATING = "正在建立加密数据库…"
SETUP_RECOVERY_TITLE = "恢复码（只显示这一次）"
SETUP_RECOVERY_HINT = (
    "所有密码都遗忘时，只有这个恢复码能打开数据库。它只显示这一次，"
    "请打印出来交校长保管，不要保存在这台电脑上。"
)
NEW_RECOVERY_TITLE = "新的恢复码（只显示这一次）"
NEW_RECOVERY_HINT = (
    "原来的恢复码已经作废（它刚用过一次，或数据库刚换了密钥）。下面是新的恢复码："
    "它只显示这一次，请打印出来交校长保管（换掉原来那张），不要保存在这台电脑上。"
)
SETUP_PRINT = "打印…"
SETUP_SAVE_PDF = "另存为 PDF…"
SETUP_SAVE_PDF_TITLE = "恢复码另存为 PDF（请存到 U 盘，打印后删除）"
SETUP_PDF_NAME = "恢复码.pdf"
SETUP_COPY = "复制"
SETUP_COPIED = "已复制到剪贴板。粘贴到纸上记录后，请清空剪贴板。"
SETUP_PDF_WARNING = "PDF 文件里有恢复码：打印后请立即删除该文件，不要留在电脑或U盘上。"
SETUP_SAVED_CHECK = "我已妥善保存恢复码"
SETUP_PRINT_HEADING = "青心 数据库恢复码"
SETUP_PRINT_SCHOOL = "学校：{school}"
SETUP_PRINT_BODY = "所有密码都遗忘时，用此恢复码重设密码。请妥善保管，不要与电脑放在一起。"
PASSWORD_MISMATCH = "两次输入的密码不一致。"
FIELD_REQUIRED = "请填写{field}。"

# login
LOGIN_TITLE = "青心 · 登录"
LOCKED_TITLE = "青心 · 已锁定"
LOCKED_HINT = "青心已锁定，屏幕上的学生信息已清除。请重新登录以继续。"
LOGIN_HINT = "请输入用户名和密码。"
LOGIN_BANNER = ('<div style="font-size:20pt; font-weight:bold; color:#2f6d62">青心</div>'
                '<div style="color:#555">学生心理档案</div>')
LOGIN_BANNER_SCHOOL = '<div style="font-size:12pt; margin-top:4px">{school}</div>'

LOGIN_USERNAME = "用户名："
LOGIN_PASSWORD = "密码："
LOGIN_BUTTON = "登录"
LOGIN_CHECKING = "正在验证…"
LOGIN_RECOVERY_LINK = "用恢复码重置密码"
RECOVERY_TITLE = "用恢复码重置密码"
RECOVERY_HINT = "输入校长保管的恢复码，为下面的账户设一个新密码。"
RECOVERY_CODE = "恢复码："
RECOVERY_NEW_PASSWORD = "新密码："
RECOVERY_BUTTON = "重置并登录"

# main window
NAV_STUDENTS = "学生档案"
NAV_SCREENING = "筛查测评"
NAV_WARNINGS = "预警与转介"
NAV_REPORTS = "报告与上报"
NAV_SETTINGS = "设置"
STATUS_USER = "当前用户：{name}（{role}）"
LOCK_NOW = "锁定"
LOCK_TIP = "立即锁定（{key}，在任何窗口都可用）：所有窗口一起隐藏，需重新登录"
CLOSE_WHILE_BUSY = "正在取消后台任务，结束后即关闭。"

# students page
STUDENTS_LOADING = "正在载入学生名单…"
SEARCH_PLACEHOLDER = "搜索：姓名、拼音首字母（如 zs）或学籍号"
SEARCH_TIP = "查找学生（{key}，在任何窗口都可用）；只剩一人时按回车打开其档案"
ALL_GRADES = "全部年级"
ALL_CLASSES = "全部班级"
STUDENTS_COUNT = "显示 {shown} 人，共 {total} 人"
OWN_CLASS_TITLE = "本班学生：{classes}"
OWN_GRADE_TITLE = "本年级学生：{grades}，共 {count} 个班（可按班级筛选）"
OWN_CLASS_NONE = "您的账户尚未关联班级，请联系管理员。"
IMPORT_ROSTER = "导入名册…"
STUDENTS_EMPTY = ("还没有学生。请先导入名册：学校教务系统导出的 Excel 或 CSV 名册，"
                  "含学籍号、姓名、性别、班级。导入前会先预览，确认后才写入。")
STUDENTS_EMPTY_BUTTON = "先导入名册…"
STUDENTS_EMPTY_ASK = "还没有学生名册。请联系管理员先导入名册。"
PROMOTE = "新学年升级…"
COL_STUDENT_NO = "学籍号"
COL_NAME = "姓名"
COL_GENDER = "性别"
COL_BIRTH = "出生日期"
COL_CLASS = "班级"
COL_STATUS = "状态"
COL_LEVEL = "预警等级"
ALL_LEVELS = "全部预警等级"
ANY_LEVEL = "有预警（任一等级）"
NO_LEVEL = "无预警"

# roster import
ROSTER_PICK = "选择名册文件"
ROSTER_FILTER = "名册 (*.xlsx *.xls *.csv);;所有文件 (*)"
ROSTER_READING = "正在读取名册并与数据库比对…"
ROSTER_APPLYING = "正在导入名册…"
ROSTER_TITLE = "导入名册：{file}"
ROSTER_SUMMARY = (
    "新增 {added} 人，更新 {updated} 人，调班 {moved} 人，无变化 {unchanged} 人，"
    "无法导入 {rejected} 行。确认之前不会写入任何数据。"
)
ROSTER_TAB_ADDED = "新增（{n}）"
ROSTER_TAB_UPDATED = "更新（{n}）"
ROSTER_TAB_MOVED = "调班（{n}）"
ROSTER_TAB_REJECTED = "无法导入（{n}）"
ROSTER_EXPORT_REJECTED = "导出无法导入的行…"
ROSTER_REJECTED_SUFFIX = "-无法导入的行.xlsx"
ROSTER_REJECTED_SAVED = "已导出无法导入的行：\n{path}"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
ROSTER_CONFIRM = "确认导入"
ROSTER_CONFIRM_SKIPPING = "确认导入（跳过无法导入的 {n} 行）"
ROSTER_NOTHING = "名册与数据库一致，没有需要导入的变化。"
ROSTER_DONE = "已导入：新增 {added} 人，更新 {updated} 人，调班 {moved} 人。"
COL_ROW = "行号"
COL_CHANGE = "变化"
COL_COLUMN = "列"
COL_REASON = "原因"

# promotion
PROMOTION_READING = "正在生成升级方案…"
PROMOTION_APPLYING = "正在升级…"
PROMOTION_TITLE = "新学年升级"
PROMOTION_SUMMARY = (
    "{from_text} → {to_text}：全部 {classes} 个班升一级，"
    "毕业 {graduating} 人。请核对后确认。"
)
PROMOTION_CONFIRM = "确认升级"
PROMOTION_GRADUATE = "毕业"
PROMOTION_DONE = "已完成学年升级。"
COL_OLD_CLASS = "原班级"
COL_NEW_CLASS = "新班级"
COL_STUDENTS = "人数"

# settings
SETTINGS_ACCOUNT_TAB = "我的账户"
SETTINGS_USERS_TAB = "用户管理"
SETTINGS_AUDIT_TAB = "审计日志"
ACCOUNT_INFO = "用户名：{username}\n姓名：{name}\n角色：{role}\n数据库：{path}"
ACCOUNT_AUTOLOCK = "无操作 {minutes} 分钟后自动锁定。"
ACCOUNT_PHONE = "联系电话："
ACCOUNT_PHONE_HINT = "打印在告知书、转介单上，如 010-62345678"
ACCOUNT_PHONE_SAVE = "保存电话"
CHANGE_PASSWORD = "修改密码…"
CHANGE_PASSWORD_TITLE = "修改密码"
OLD_PASSWORD = "原密码："
NEW_PASSWORD = "新密码："
NEW_PASSWORD_AGAIN = "再次输入新密码："
PASSWORD_CHANGED = "密码已修改。"
SAVING = "正在保存…"

# users
USERS_LOADING = "正在载入用户…"
USER_ADD = "新增用户…"
USER_DEACTIVATE = "停用"
USER_ADD_TITLE = "新增用户"
USER_ROLE = "角色："
USER_CLASS = "所带班级："
USER_NO_CLASSES = "（尚无班级，请先导入名册）"
USER_ACTIVE = "启用"
USER_INACTIVE = "已停用"
COL_USERNAME = "用户名"
COL_DISPLAY_NAME = "姓名"
COL_ROLE = "角色"
COL_USER_CLASS = "班级"
COL_USER_STATE = "状态"
COL_CREATED = "建立时间"
USER_RESET_PASSWORD = "重设密码…"
USER_ENABLE = "启用…"
USER_RESET_TITLE = "重设密码：{username}"
USER_ENABLE_TITLE = "启用账户：{username}"
USER_RESET_HINT = "为该账户设一个新密码（至少 {n} 个字符），原密码随即失效。请当面告知本人。"
USER_ENABLE_HINT = (
    "该账户已停用，原密码已作废。启用前须为它设一个新密码（至少 {n} 个字符），"
    "请当面告知本人。"
)
USER_REKEYING = "正在停用账户并重新加密数据库…"
USER_REKEYED = "已保存。数据库已换用新密钥：该账户旧的密钥文件副本不再能打开数据库。"
USER_SAVED = "已保存。"
USER_CHANGE_ROLE = "修改角色…"
USER_ROLE_TITLE = "修改角色：{username}"
USER_ROLE_HINT = ("从心理教师或管理员改为班主任时，青心会给数据库换一把新钥匙（有进度条，"
                  "时间和做一次备份差不多），此人旧的密钥文件副本从此打不开数据库。")
USER_ROLE_SAVING = "正在保存角色…"
USER_LOST_ACCESS_TITLE = "需要重设密码"
USER_LOST_ACCESS = ("以下账户自升级以来还没有登录过，它们的旧式密钥槽无法接收新密钥，"
                    "已被移除：{users}。请在“用户”页为他们“重设密码”。")
USER_RESET_DONE = "已为 {username} 重设密码。"
USER_ENABLE_DONE = "已启用 {username}，请把新密码当面告知本人。"
USER_EMPTY_CLASS = "{name}（暂无学生）"

# audit
AUDIT_VERIFY = "校验日志链"
AUDIT_VERIFYING = "正在校验审计日志…"
AUDIT_REFRESH = "刷新"
AUDIT_OK_TITLE = "校验通过"
AUDIT_BROKEN_TITLE = "校验失败"
AUDIT_TOTAL = "共 {n} 条记录，最新的在前；向下滚动载入更多"
COL_TIME = "时间"
COL_USER = "用户"
COL_ACTION = "操作"
COL_TARGET = "对象"
COL_DETAIL = "说明"
COL_CODES = "代码"
AUDIT_ANY_USER = "全部用户"
AUDIT_ANY_ACTION = "全部操作"
AUDIT_BY_DATE = "按日期"
AUDIT_STUDENT_HINT = "学生：学籍号或姓名"
AUDIT_FILTER = "查询"

# Exporting a list of students (app/ui/export_dialog.py)
EXPORT_HINT = ("文件含学生姓名等个人信息。建议设置打开密码，并把密码与文件分开交给对方；"
               "用完请删除。")
EXPORT_FILE = "保存到："
EXPORT_BROWSE = "选择…"
EXPORT_FILTER = "Excel 工作簿 (*.xlsx)"
EXPORT_PROTECT = "设置打开密码（Excel、WPS 打开时要求输入）"
EXPORT_PASSWORD = "打开密码："
EXPORT_PASSWORD_AGAIN = "再次输入："
EXPORT_NO_FILE = "请选择保存位置。"
EXPORT_PASSWORDS_DIFFER = "两次输入的密码不一致。"
EXPORT_WORKING = "正在导出…"
EXPORT_SAVED = "已导出 {n} 行到：\n{path}\n\n{locked}"
EXPORT_LOCKED = "文件已设打开密码。请把密码另行告知收件人，不要与文件放在一起。"
EXPORT_OPEN = "文件未设密码，含学生姓名，请妥善保管，用后删除。"
EXPORT_MENU = "导出 Excel…"
EXPORT_SHOWN = "导出当前列表…"
EXPORT_KEY_STUDENTS = "导出重点名单（危机、重点关注）…"

# The home overview (app/ui/home_page.py)
NAV_HOME = "首页"
HOME_TITLE = "{term} · 全校概况"
HOME_URGENT = "当天必须处理"
HOME_DUE_TODAY = "今天到期"
HOME_OVERDUE = "已逾期"
HOME_REVIEW = "筛查后待复核"
HOME_COUNT = "{n}"
HOME_TABLE_HINT = ("双击或回车打开数字对应的名单：等级列打开动态信息库（按该班、该等级筛选），"
                   "“测评提示”打开筛查后复核。测评提示：本学期该生某量表最新一次有效答卷"
                   "给出了建议等级（一般关注及以上）。")
HOME_COL_GROUP = "年级/班级"
HOME_COL_ENROLLED = "在读"
HOME_COL_SCREENED = "本学期已测"
HOME_COL_FLAGGED = "测评提示"
HOME_TREND = "近几个学期的筛查"
HOME_COL_TERM = "学期"
HOME_TREND_EMPTY = "还没有测评批次。"

# asking before typed text is thrown away (app/ui/unsaved.py)
DISCARD_TITLE = "放弃填写的内容？"
DISCARD_TEXT = "您填写的内容还没有保存，关闭后将丢失。"
DISCARD_YES = "放弃内容并关闭"
DISCARD_NO = "继续填写"
