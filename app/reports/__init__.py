"""PDF reports, letters and forms (reportlab), built from the services' plain rows."""
