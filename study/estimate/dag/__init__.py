"""The causal graph of DAG1 with DoWhy: graph, analysis frame, identification, estimate, refutations
(DoWhy's row-wise refuters and panel-aware ones) and the ``python -m study dag`` step."""
