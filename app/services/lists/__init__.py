"""Lists the counselling room takes away: the dynamic information library, the key
students, the review queue and the retest list, as tables the CLI prints and the GUI
saves as (optionally password-protected) Excel workbooks."""
