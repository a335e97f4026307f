"""Reports' use cases: the permission check, the query that builds a renderer's rows
(app/reports/data.py), the print context, and the file written with its audit entries.
The renderers in app/reports lay out what they are given; `kinds.REPORTS` lists them."""
