// Deep consistency check of obj pools as an API (PMDK: libpmemobj/obj.c pmemobj_check, libpmempool check).
namespace Pmdk.PmemPool;

/// <summary>
/// Checks an obj pool without modifying it: everything <c>pmemobj_check</c> verifies and more (see
/// <see cref="PoolCheck.Run"/>). Repairs are not supported for obj pools.
/// </summary>
public static class ObjPoolCheck
{
    /// <summary>Checks the obj pool (file or set) at <paramref name="path"/>.</summary>
    /// <param name="path">Pool file or set file.</param>
    /// <param name="layout">The layout name the pool must have, or null for any.</param>
    /// <returns>The report; <see cref="CheckReport.IsConsistent"/> and <see cref="CheckReport.Problems"/> summarize it.</returns>
    /// <remarks>C: <c>pmemobj_check</c>.</remarks>
    public static CheckReport Run(string path, string? layout = null) => PoolCheck.Run(path, new CheckOptions { Layout = layout });
}
