"""Importers of official taxonomies (ESCO, O*NET) into the shared reference tables."""
