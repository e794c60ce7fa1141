"""The preregistration as data: the hash lock, the registry of planned estimates, the deviations
table, and the mechanical check that the results contain nothing else."""
