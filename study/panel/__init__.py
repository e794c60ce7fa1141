"""The country-year panel: one loader per source, ISO3 harmonisation, skeleton, merge, schema, codebook."""
