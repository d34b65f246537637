"""The study groups' pages, one module per part."""
