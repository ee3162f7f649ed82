// Runs the tests that start child processes alone (see OracleCollection) (PMDK: none; test support).
using Pmdk.Testing.Oracle;

namespace Pmdk.Crash.Tests;

[CollectionDefinition(OracleCollection.Name, DisableParallelization = true)]
public sealed class OracleCollectionDefinition;
