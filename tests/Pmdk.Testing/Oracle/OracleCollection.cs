// xUnit collection for tests that start processes (the pmempool oracle) (PMDK: none; test support).
namespace Pmdk.Testing.Oracle;

/// <summary>
/// Name of the xUnit collection for tests that start child processes. A forked child holds copies of every
/// open file description (and mapping) of the test process until it execs, which briefly keeps other tests'
/// pool flocks alive after they closed the pool; so these tests must not run in parallel with the others.
/// Each test assembly declares <c>[CollectionDefinition(OracleCollection.Name, DisableParallelization = true)]</c>.
/// </summary>
public static class OracleCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Oracle processes";
}
