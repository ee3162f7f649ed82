// The 64-byte on-media persistent lock objects (PMDK: include/libpmemobj/base.h PMEMmutex, PMEMrwlock, PMEMcond; libpmemobj/sync.h).
using System.Runtime.InteropServices;

namespace Pmdk.Obj.Locks;

/// <summary>
/// A persistent mutex as stored in the pool: 64 bytes, the first 8 the <c>runid</c> (equal to the pool's run id
/// once initialized in the current open), the rest C's <c>pthread_mutex_t</c> which this library leaves alone.
/// Embed it in a pool object and operate on it through <see cref="ObjPool.Mutex(ref PmemMutexData)"/>.
/// </summary>
/// <remarks>C: <c>PMEMmutex</c></remarks>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public struct PmemMutexData
{
    /// <summary>Bytes on media.</summary>
    public const int Size = 64;

    /// <summary>The run id of the open that last initialized the lock (odd while it is being initialized).</summary>
    public ulong RunId;
}

/// <summary>A persistent reader-writer lock as stored in the pool (64 bytes, <c>runid</c> first).</summary>
/// <remarks>C: <c>PMEMrwlock</c></remarks>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public struct PmemRwLockData
{
    /// <summary>Bytes on media.</summary>
    public const int Size = 64;

    /// <summary>The run id of the open that last initialized the lock.</summary>
    public ulong RunId;
}

/// <summary>A persistent condition variable as stored in the pool (64 bytes, <c>runid</c> first).</summary>
/// <remarks>C: <c>PMEMcond</c></remarks>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public struct PmemCondVarData
{
    /// <summary>Bytes on media.</summary>
    public const int Size = 64;

    /// <summary>The run id of the open that last initialized the condition variable.</summary>
    public ulong RunId;
}
