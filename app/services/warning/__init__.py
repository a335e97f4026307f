"""Warning levels: the rules that suggest one, the decisions, the crisis checklist."""
