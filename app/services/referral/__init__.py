"""Referral (转介, 绿色通道): the checklist, the steps and their due dates."""
