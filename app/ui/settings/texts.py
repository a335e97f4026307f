"""Wording of the backup, restore and deployment tabs and of the backup reminder bar.

Fault messages (disk full, a read-only stick, a stick pulled out, a wrong password)
come from the services' own exceptions and are not repeated here.
"""

from __future__ import annotations

BACKUP_TAB = "备份与恢复"
DEPLOYMENT_TAB = "部署与密钥"

# reminder bar
REMIND_NOW = "立即备份"

# backup tab
LAST_BACKUP = "上次备份"
LOADING = "正在读取…"
F_WHEN = "时间："
F_WHERE = "位置："
F_SIZE = "大小："
WHEN = "{when}（{days} 天前）"
WHEN_RESTORED = "{when}（{days} 天前，从备份 {name} 恢复）"
SIZE_MB = "{mb:.1f} MB"
UNKNOWN = "—"
BACKUP_TO = "备份到…"
CHECK_DB = "检查数据库"
RESTORE = "从备份恢复…"
BACKUP_HINT = (
    "建议每 {days} 天备份一次到 U 盘，U 盘锁在柜子里。备份是两个文件（.db 和同名的 .keys），"
    "复制或恢复时要一起带上；它们是加密的，没有做备份时有效的密码或恢复码打不开。"
)
RESTORE_ADMIN_ONLY = "从备份恢复只有管理员可以操作。"
PICK_FOLDER = "选择备份文件夹（如 U 盘）"
BACKING_UP = "正在备份到 {folder}…"
BACKED_UP = "已备份：{path}（{mb:.1f} MB）\n密钥文件：{keys}（恢复时须与备份文件放在一起）"
BACKUP_DONE_TITLE = "备份完成"
BACKUP_FAILED = "备份没有完成：{message}"
CHECKING = "正在逐页校验数据库…"
CHECK_TITLE = "检查数据库"
PICK_BACKUP = "选择要恢复的备份文件"
BACKUP_FILTER = "青心备份 (*.db);;所有文件 (*)"

# restore dialog
RESTORE_TITLE = "从备份恢复"
RESTORE_INTRO = "将用备份 {name}（在 {folder}）替换本机当前的数据库。请先读完下面几点："
RESTORE_WARNING = (
    "· 当前的数据库会先另存一份（数据文件夹 backups 中的 before-restore-日期-时间.db），"
    "万一选错了备份，还能找回来。\n"
    "· 恢复前青心会锁定并关闭数据库；恢复后所有人都要重新登录，而且要用做备份时有效的密码"
    "（备份之后改过的密码、新建的账户都不再有效）。\n"
    "· 备份之后录入的资料不在备份里，恢复后需要补录。"
)
USE_PASSWORD = "用做备份时有效的密码"
USE_RECOVERY = "用恢复码（校长保管）"
F_USERNAME = "用户名："
F_PASSWORD = "密码："
F_RECOVERY_CODE = "恢复码："
OTHER_DATABASE = ("替换为其他数据库：这份备份属于另一个数据库\n"
                  "（另一所学校，或本机重新建立过数据库），确需用它替换")
RESTORE_BUTTON = "恢复并重新登录"
CHECKING_BACKUP = "正在核对备份…"
NEED_USERNAME = "请填写用户名。"
NEED_PASSWORD = "请输入做备份时有效的密码。"
NEED_CODE = "请输入恢复码。"
RESTORING = "正在从备份恢复…"
RESTORED_TITLE = "已从备份恢复"
RESTORED = "已从 {name} 恢复（{school}）。"
RESTORED_KEPT = "恢复前的数据库已另存为：{kept}"
RESTORED_MIGRATED = "备份来自旧版本（数据库版本 {revision}），已升级到本程序的版本。"
RESTORED_LOGIN = "请用做备份时有效的密码重新登录。"
RESTORED_RECOVERY = "用恢复码恢复后，请在登录窗口点“用恢复码重置密码”设置新密码。"
RESTORE_FAILED_TITLE = "恢复没有完成"
RESTORE_FAILED = "{message}\n\n数据库已锁定，请重新登录。"
RESTORE_WAITING = "后台任务完成后开始恢复…"

# deployment tab
F_DEPLOY_FILE = "部署文件："
NO_DEPLOY_FILE = "未找到部署文件，使用默认设置"
F_SCHOOL = "学校："
SCHOOL = "{name}（学校标识码 {code}）"
NOT_SET = "（未设置）"
SCHOOL_FROM_DB = "（未设置：报告和报送使用建立数据库时填写的学校名称）"
F_DISTRICT = "区县："
F_DISTRICT_KEY = "区级公钥指纹："
NO_DISTRICT_KEY = ("部署文件中没有区级公钥：无法生成密封报送文件。"
                   "请联系区教育局信息中心提供公钥（deploy.toml 的 [district]）。")
DISTRICT_KEY = "{fingerprint}（{kem}）\n请与区里加盖公章的通知核对，一致后再报送。"
F_SCHOOL_KEY = "本校签名密钥指纹："
NO_SCHOOL_KEY = ("尚未生成：第一次密封报送或点「导出本校公钥文件」时生成。"
                 "生成后请把公钥文件交区里登记，并电话核对指纹。")
SCHOOL_KEY = "{fingerprint}\n区里登记本校公钥时，请电话核对这串指纹。"
EXPORT_SCHOOL_KEY = "导出本校公钥文件…"
EXPORT_SCHOOL_KEY_TITLE = "导出本校签名公钥"
EXPORT_SCHOOL_KEY_FILTER = "公钥文件 (*.json)"
EXPORT_SCHOOL_KEY_NAME = "{code}_本校签名公钥.json"
EXPORTING_SCHOOL_KEY = "正在导出本校公钥…"
SCHOOL_KEY_EXPORTED = ("已写出本校签名公钥：\n{path}\n\n指纹：{fingerprint}\n"
                       "请把这个文件交给区教育局登记，并电话核对指纹。公钥不含学生信息，"
                       "也不能用来解密任何文件。")
F_HOSPITALS = "绿色通道医院："
NO_HOSPITALS = "（部署文件中没有医院名单）"
HOSPITAL = "{label}　{phone}"
F_AGGREGATES = "报送统计："
F_KEY_STUDENTS = "重点学生报送："
F_MIN_CELL = "小单元格隐去："
MIN_CELL = "人数为 1–{high} 的格子显示为“<{min_cell}”"
MIN_CELL_OFF = "不隐去（min_cell = 1）"
F_DATA_DIR = "数据文件夹："
F_INSTRUMENTS = "本校量表文件夹："
INSTRUMENTS_DIR = ("{folder}\n本校自己的量表定义（*.toml）、分界值等设置（settings.toml）和"
                   "题目文字（texts 文件夹）放在这里，见使用指南。{state}")
INSTRUMENTS_NONE = "（尚未建立：需要时新建这个文件夹）"
INSTRUMENTS_IN_USE = "当前可用的本校量表：{codes}。"
INSTRUMENTS_SHIPPED_ONLY = "目前只使用随程序提供的量表。"
DATA_DIR_OTHER = ("{folder}\n（部署文件指定 {deployed}；本次由 --db 或环境变量 "
                  "QINGXIN_DATA_DIR 改用上面的文件夹）")
F_AUTO_LOCK = "自动锁定："
AUTO_LOCK = "无操作 {minutes} 分钟后"
AUTO_LOCK_OTHER = ("无操作 {minutes} 分钟后（部署文件为 {deployed} 分钟；"
                   "本次由 --lock-minutes 指定）")
F_REMINDER = "备份提醒："
REMINDER = "上次备份超过 {days} 天时提醒"
DEPLOYMENT_HINT = ("以上设置（本校量表文件夹除外）由区教育局信息中心在部署文件（deploy.toml）"
                   "中规定，学校不能在软件中修改。")
