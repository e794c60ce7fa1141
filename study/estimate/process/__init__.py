"""Process indicators next to outcome effects, per campaign (issue 10; spec estimator ``process_outcome``)."""
