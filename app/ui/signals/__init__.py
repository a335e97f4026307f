"""反映: filing a report about a student (班主任, 年级组长) and deciding one (心理教师)."""
