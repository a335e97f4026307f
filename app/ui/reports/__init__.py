"""报告与上报: screening reports (group and individual PDFs) and the term's sealed export
to the district."""
