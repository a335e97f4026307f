"""Chinese wording for the stable codes stored in the database.

Codes are English and never change; what a teacher reads lives here, in one table per
enumeration, in the order screens and reports should list them (severity or workflow
order, not alphabetical).
"""

from __future__ import annotations

import re

from app.services.capabilities import ROLE_TABLE

GENDERS: dict[str, str] = {"M": "男", "F": "女"}

GROUP_KINDS: dict[str, str] = {"all": "全校", "gender": "性别", "grade": "年级", "class": "班级"}
"""How a statistics row is grouped (district export tables' group_kind)."""

STUDENT_STATUSES: dict[str, str] = {
    "enrolled": "在读",
    "suspended": "休学",
    "transferred": "转出",
    "graduated": "毕业",
}

ROLES: dict[str, str] = {code: row.label for code, row in ROLE_TABLE.items()}
"""Derived from the capability table, where a role is one row."""

CLASS_MOVE_REASONS: dict[str, str] = {
    "import": "名册导入",
    "promotion": "升级",
    "manual": "手工调整",
}

PARTICIPATION: dict[str, str] = {
    "due": "应测",
    "leave": "请假",
    "exempt": "免测",
    "excluded": "已排除",
}

CONSENT: dict[str, str] = {"unknown": "未登记", "given": "已同意", "refused": "不同意"}

RESULT_SOURCES: dict[str, str] = {
    "import": "文件导入",
    "entry": "答题卡录入",
    "kiosk": "本机作答",
}

DATE_SOURCES: dict[str, str] = {
    "submitted": "提交时间",
    "file_column": "文件中的日期列",
    "entered": "录入时填写",
    "unknown": "未知（按批次日期）",
}

SHEET_STATUSES: dict[str, str] = {
    "matched": "已匹配",
    "replaces": "已匹配（将替换已有结果）",
    "not_in_roster": "名册上没有",
    "ambiguous": "同名分不开",
    "not_in_campaign": "不在本场",
    "no_consent": "未同意",
    "duplicate": "文件中重复",
    "name_mismatch": "姓名不符",
    "id_mismatch": "学籍号不符",
    "bad_id": "学籍号有误",
    "bad_answers": "答案有误",
}

RISK_FACTORS: dict[str, str] = {
    "left_behind": "留守",
    "single_parent": "单亲",
    "poverty": "贫困",
    "migrant": "流动",
    "disability": "残疾",
    "bereavement": "丧亲",
    "bullying": "校园欺凌",
    "family_crisis": "家庭变故",
    "academic_difficulty": "学业困难",
    "internet_addiction": "网络沉迷",
    "domestic_violence": "家庭暴力",
    "other": "其他",
}

COUNSELLING_KINDS: dict[str, str] = {
    "individual": "个体辅导",
    "group": "团体辅导",
    "assessment": "面谈评估",
    "crisis": "危机干预",
    "home_visit": "家访",
    "phone": "电话联系",
    "three_way": "三方沟通",
}

PLAN_CATEGORIES: dict[str, str] = {
    "crisis": "危机干预",
    "key": "重点关注",
    "general": "一般关注",
}

PLAN_OUTCOMES: dict[str, str] = {
    "continue": "维持原计划",
    "revise": "调整计划",
    "close": "结案",
}

PAIRING_ROLES: dict[str, str] = {
    "mentor": "导师",
    "class_teacher": "班主任",
    "leader": "校领导",
    "peer": "心理委员（朋辈）",
}

SIGNAL_SOURCES: dict[str, str] = {
    "class_teacher": "班主任",
    "grade_leader": "年级组长",
    "peer_monitor": "心理委员",
    "dormitory": "寝室长/宿管",
    "parent": "家长",
    "self": "本人",
    "mailbox": "心理信箱",
    "other": "其他",
}

SIGNAL_SEVERITIES: dict[str, str] = {
    "suicide": "涉及自杀言行",
    "self_harm": "涉及自伤行为",
    "violence": "涉及伤人毁物",
    "serious": "明显异常",
    "ordinary": "一般情况",
}

SIGNAL_DECISIONS: dict[str, str] = {
    "noted": "已阅",
    "watch": "转为关注",
    "interview": "约谈",
    "crisis": "危机处置",
}
"""What the counselling room decided about a 反映 (app/services/signals/reports.py)."""

SIGNAL_PENDING = "待处理"

#: Counselling kinds that count as a face-to-face risk assessment (面谈评估): writing one
#: clears the same-day task of a critical answer and the crisis checklist's first item.
ASSESSMENT_KINDS: tuple[str, ...] = ("assessment", "crisis")

#: The crisis checklist (危机处置清单) a 危机 decision opens, in the order it is worked.
CRISIS_ITEMS: dict[str, str] = {
    "crisis_assess": "危机：面谈评估",
    "crisis_guardian": "危机：通知监护人",
    "crisis_safety": "危机：安全计划",
    "crisis_referral": "危机：转介决定",
}

FOLLOWUP_KINDS: dict[str, str] = {"routine": "定期随访", "interview": "筛查后约谈",
                                  **CRISIS_ITEMS}

REVIEW_ACTIONS: dict[str, str] = {
    "accept": "接受建议等级",
    "change": "改定其他等级",
    "interview": "先约谈再定",
}

REFERRAL_INDICATIONS: dict[str, str] = {
    "suicide_attempt": "有自杀未遂或自杀行为",
    "suicide_plan": "有自杀计划",
    "suicidal_ideation": "有自杀意念",
    "self_harm": "有自伤行为",
    "violence": "有伤人毁物行为",
    "psychosis": "有精神病性症状（幻觉、妄想、言行紊乱等）",
    "severe_depression": "抑郁症状严重或持续两周以上",
    "critical_item": "测评关键题提示风险",
    "loss_of_function": "无法正常上课、学习或生活",
}

REFERRAL_RECOMMENDATIONS: dict[str, str] = {
    "refer_now": "建议立即转介",
    "consider": "建议评估后考虑转介",
    "school_support": "暂在校内支持与跟踪",
}

WORKLOAD_PERIODS = ("week", "term")
"""How the counselling room's workload is counted: by week or by term."""

ATTACHMENT_KINDS: dict[str, str] = {
    "receipt": "回执",
    "certificate": "病历证明",
    "other": "其他",
}
"""What a scan kept with a referral is: the hospital's 回执 (feedback slip), the 病历证明
(the certificate 复学评估 asks to see), or another document."""

GUARDIAN_RELATIONS = ("母亲", "父亲", "祖母", "祖父", "外祖母", "外祖父", "兄姐", "其他亲属",
                      "监护人", "其他")
"""The relations a 告知书 can be addressed to; "其他" with a note for the rest (stored as
written: they are the wording)."""

AUDIT_ACTIONS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "recovery_used": "使用恢复码",
    "rekey": "更换数据库密钥",
    "audit_sealed": "加密审计详情",
    "logout": "退出/锁定",
    "password_changed": "修改密码",
    "user_created": "新建用户",
    "user_updated": "修改用户",
    "school_created": "建立学校",
    "roster_import": "导入名册",
    "promotion": "学年升级",
    "student_list": "查看学生名单",
    "student_open": "查看学生档案",
    "student_open_denied": "查看学生档案被拒绝",
    "student_edit": "修改学生档案",
    "student_export": "导出学生数据",
    "account_phone": "修改本人联系电话",
    "guardian_list": "查看家长联系方式",
    "guardian_added": "添加家长联系方式",
    "guardian_changed": "修改家长联系方式",
    "guardian_removed": "删除家长联系方式",
    "family_contacts": "查看家校沟通名单",
    "student_print": "打印学生资料",
    "campaign_created": "新建测评批次",
    "campaign_updated": "修改测评批次",
    "campaign_deleted": "删除测评批次",
    "screening_import": "导入测评答卷",
    "screening_results": "查看测评结果",
    "migration": "数据库升级",
    "backup": "备份",
    "restore": "从备份恢复",
    "warning_decided": "确定预警等级",
    "warning_list": "查看预警名单",
    "referral_opened": "开启转介",
    "referral_assessed": "转介评估（未转介）",
    "referral_step": "登记转介步骤",
    "student_status": "变更学生状态",
    "referral_list": "查看转介名单",
    "signal_filed": "提交反映",
    "signal_decided": "处理反映",
    "signal_list": "查看反映",
    "attachment_added": "添加转介附件",
    "attachment_list": "查看转介附件列表",
    "attachment_read": "查看转介附件",
    "attachment_saved": "另存转介附件（未加密副本）",
    "attachment_removed": "删除转介附件",
}


ENTRY_KINDS: dict[str, str] = {
    "risk_factor": "处境不利因素",
    "counselling": "辅导记录",
    "signal": "信息反映",
    "pairing": "双结对",
    "plan": "辅导计划",
    "plan_review": "计划评估",
    "follow_up": "随访",
    "referral_step": "转介步骤",
}

CAMPAIGN_FIELDS: dict[str, str] = {
    "name": "名称",
    "school_year": "学年",
    "term": "学期",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
}


AUDIT_TARGETS: dict[str, str] = {
    "student": "学生",
    "user": "账户",
    "school": "学校",
    "school_year": "学年",
    "roster": "名册",
    "campaign": "测评批次",
    "participation": "参测状态",
    "screening_result": "测评结果",
    "referral": "转介",
    "database": "数据库",
}


#: Details stored in a fixed machine form (a backup's folder and size are read back for
#: the reminder; district exports were written so before their wording was Chinese), and
#: their wording in the audit view: (action, the stored form, the words). The view
#: (services/audit_view.py) fills the fields in words: {period} as 2026-2027学年第一学期,
#: {mode} as the key-student policy's words, {mb} the size in MB, {new} and {listed}.
AUDIT_DETAILS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("backup", re.compile(r"folder=(?P<folder>.*); bytes=(?P<size>\d+)"),
     "备份到 {folder}（{mb} MB）"),
    ("student_export", re.compile(
        r"district export (?P<period>\S+) sequence (?P<seq>\d+): (?P<files>\d+) files, "
        r"key students (?P<mode>\w+) (?P<n>\d+)(?P<new>; school signing key created)?"),
     "区级报送 {period}，序号 {seq}：{files} 个文件；重点学生：{mode}{listed}{new}"),
    ("student_export", re.compile(r"district export (?P<period>\S+) \((?P<mode>\w+)\)"),
     "区级报送 {period}（{mode}）"),
)
AUDIT_DETAIL_NEW_KEY = "；本次新生成学校签名密钥"


def label(table: dict[str, str], code: str | None) -> str:
    """The wording for a code; an unknown code shows as itself rather than vanishing."""
    if code is None:
        return ""
    return table.get(code, code)
