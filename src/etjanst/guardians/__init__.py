"""Children and guardians: the "Välj barn" question (children in the
logged-in person's custody, from the population register) and the rules of
e-services about a child. See docs/guardians.md."""
