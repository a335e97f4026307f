"""The student file (一生一策), warnings and referrals: the GUI over app/services'
casefile, warnings, plans, follow-up and referral services.

`open_student_file` shows one student's file; `WarningsPage` is the 预警与转介 area
(today's work, the key-student list, the screening review queue, referrals).
"""
