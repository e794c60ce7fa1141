"""The treatment: the curated campaign dataset (``data/campaigns/``), its validation against the
codebook, the derived country-year treatment table, inter-coder reliability and campaign figures."""
