// The ctl interface of an open pool (PMDK: libpmemobj/obj.c pmemobj_ctl_get, pmemobj_ctl_set, pmemobj_ctl_exec).
using Pmdk.Obj.Ctl;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    private ObjPoolCtl? _ctl;

    /// <summary>Run-time ctl names of this pool (statistics, allocation classes). C: <c>pmemobj_ctl_get</c> / <c>pmemobj_ctl_set</c>.</summary>
    public ObjPoolCtl Ctl
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _ctl ?? Interlocked.CompareExchange(ref _ctl, new ObjPoolCtl(this, _alloc), null) ?? _ctl;
        }
    }

    /// <summary>
    /// Opens a pool with the configuration of <c>PMEMOBJ_CONF</c> and <c>PMEMOBJ_CONF_FILE</c> applied, as
    /// libpmemobj does at every open: option names first, the rest through <see cref="Ctl"/> once open.
    /// </summary>
    public static ObjPool OpenWithEnvironmentConfig(string path, string? layout, ObjPoolOptions? options = null)
    {
        IReadOnlyList<KeyValuePair<string, string>> conf = ObjCtlConfig.FromEnvironment();
        ObjPool pool = Open(path, layout, ObjCtlConfig.ApplyTo(options ?? ObjPoolOptions.Default, conf, create: false));
        try
        {
            pool.Ctl.Apply(conf);
        }
        catch
        {
            pool.Dispose();
            throw;
        }
        return pool;
    }

    /// <summary>Creates a pool with the configuration of <c>PMEMOBJ_CONF</c> and <c>PMEMOBJ_CONF_FILE</c> applied (see <see cref="OpenWithEnvironmentConfig"/>).</summary>
    public static ObjPool CreateWithEnvironmentConfig(string path, string? layout, ulong size, ObjPoolOptions? options = null)
    {
        IReadOnlyList<KeyValuePair<string, string>> conf = ObjCtlConfig.FromEnvironment();
        ObjPool pool = Create(path, layout, size, ObjCtlConfig.ApplyTo(options ?? ObjPoolOptions.Default, conf, create: true));
        try
        {
            pool.Ctl.Apply(conf);
        }
        catch
        {
            pool.Dispose();
            throw;
        }
        return pool;
    }
}
