// Tests of this assembly run one at a time: they call Debian's libpmem* (which opens pool files without O_CLOEXEC)
// and start pmempool processes, so a child process forked by one test can inherit another test's pool descriptor
// and its flock, making that pool look "in use" for as long as the child runs.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
