// Every test starts its own simulator on its own port, so test classes run in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = false)]
