"""筛查测评: campaigns, answer import, answer-sheet entry, self-administration on the
counselling PC, results with profiles, and the Excel export (all over app.services)."""
