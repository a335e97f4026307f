"""The student's 一生一策 file: opening it, its entries and their versions, plans, follow-ups."""
