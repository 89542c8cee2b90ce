"""Skills inference: from a document's text to skills with evidence, proficiency and confidence."""
