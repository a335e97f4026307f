"""The warning network: 反映 filed by class teachers and 年级组长, and how the counselling
room reads and decides them."""
