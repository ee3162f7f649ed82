// Test assembly settings: no parallel tests, since most start C example processes (PMDK: none; test support).
// A forked child briefly inherits the test process's open pool files and their flocks (see OracleCollection), so a
// concurrent in-process pmemobj_check or pool open could see a pool as busy.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
