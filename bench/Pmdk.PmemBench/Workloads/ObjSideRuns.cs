// The two sides of an obj workload that runs on one fresh pool: ours (ObjPool) and C (PMEMobjpool*) (PMDK: src/benchmarks/obj_*.cpp setup).
using Pmdk.Obj;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>Our side: a prefaulted pool (layout "cbench", pmem forced) created on the fresh file, removed with it.</summary>
internal abstract class OursObjRun : ISideRun
{
    private readonly string _path;

    protected OursObjRun(string path, ulong poolSize)
    {
        _path = path;
        Pool = ObjPool.Create(path, "cbench", poolSize, new ObjPoolOptions { IsPmemForce = true, Prefault = true });
    }

    /// <summary>The pool the ops run on.</summary>
    protected ObjPool Pool { get; }

    public virtual string? Note => null;

    public abstract long RunChunk(int step, long first, long count);

    public virtual LatencySummary? MeasureLatency(long count) => null;

    public void Dispose()
    {
        Pool.Dispose();
        File.Delete(_path);
    }
}

/// <summary>C's side: <c>pmemobj_create</c> (layout "cbench") on the fresh file, closed and removed at the end.</summary>
internal abstract class CObjRun : ISideRun
{
    private readonly string _path;

    protected CObjRun(string path, ulong poolSize)
    {
        _path = path;
        Pool = LibPmemObj.Create(path, "cbench", poolSize);
    }

    /// <summary>The <c>PMEMobjpool*</c> the ops run on.</summary>
    protected nint Pool { get; }

    public virtual string? Note => null;

    public abstract long RunChunk(int step, long first, long count);

    public virtual LatencySummary? MeasureLatency(long count) => null;

    public void Dispose()
    {
        LibPmemObj.pmemobj_close(Pool);
        File.Delete(_path);
    }
}
