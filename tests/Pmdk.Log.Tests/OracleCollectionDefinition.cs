// Runs the tests that start pmempool alone (see OracleCollection) (PMDK: none; test support).
using Pmdk.Testing.Oracle;

namespace Pmdk.Log.Tests;

[CollectionDefinition(OracleCollection.Name, DisableParallelization = true)]
public sealed class OracleCollectionDefinition;
