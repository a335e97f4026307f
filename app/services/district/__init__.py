"""The term's export to the district and the district's aggregate of many schools."""
