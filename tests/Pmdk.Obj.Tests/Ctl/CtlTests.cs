// ctl configuration strings and files, option-level names and run-time names of an open pool (PMDK: common/ctl.c, libpmemobj ctl handlers).
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Ctl;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests.Ctl;

public class CtlTests
{
    [Fact]
    public void Configuration_strings_and_files_parse_like_PMDK()
    {
        IReadOnlyList<KeyValuePair<string, string>> e = ObjCtlConfig.Parse("prefault.at_open=1;;stats.enabled=both; tx.cache.size = 0x100 ;");
        Assert.Equal([new("prefault.at_open", "1"), new("stats.enabled", "both"), new("tx.cache.size", "0x100")], e);
        Assert.Throws<PmemException>(() => ObjCtlConfig.Parse("prefault.at_open"));
        Assert.Throws<PmemException>(() => ObjCtlConfig.Parse("=1"));

        using var dir = new TempPoolDirectory(PoolBackend.Disk);
        string file = dir.File("conf");
        File.WriteAllText(file, "# a comment\nprefault.at_create = yes ; # trailing\n  sds.at_create=0\n");
        Assert.Equal([new("prefault.at_create", "yes"), new("sds.at_create", "0")], ObjCtlConfig.ParseFile(file));

        Assert.True(ObjCtlConfig.ParseBool("x", "True"));
        Assert.True(ObjCtlConfig.ParseBool("x", "y"));
        Assert.False(ObjCtlConfig.ParseBool("x", "no"));
        Assert.Throws<PmemException>(() => ObjCtlConfig.ParseBool("x", "maybe"));
        Assert.Equal(255, ObjCtlConfig.ParseInt("x", "0xff"));
        Assert.Equal(-12, ObjCtlConfig.ParseInt("x", "-12"));
        Assert.Throws<PmemException>(() => ObjCtlConfig.ParseInt("x", "12k"));
        Assert.Equal(new ObjAllocClassDesc(128, 0, 1000, HeaderType.Compact, 0), ObjCtlConfig.ParseAllocClass("x", "128,0,1000,compact"));
        Assert.Throws<PmemException>(() => ObjCtlConfig.ParseAllocClass("x", "128,0,1000,fancy"));
    }

    [Fact]
    public void Option_names_apply_to_create_or_open_and_sds_at_create_takes_effect()
    {
        var conf = ObjCtlConfig.Parse("prefault.at_create=1;prefault.at_open=0;sds.at_create=0");
        ObjPoolOptions create = ObjCtlConfig.ApplyTo(ObjPoolOptions.Default, conf, create: true);
        ObjPoolOptions open = ObjCtlConfig.ApplyTo(ObjPoolOptions.Default, conf, create: false);
        Assert.True(create.Prefault);
        Assert.False(open.Prefault);
        Assert.False(create.ShutdownStateAtCreate);

        using var dir = new TempPoolDirectory();
        string with = dir.File("sds.pool"), without = dir.File("nosds.pool");
        ObjPool.Create(with, "ctl", 8 << 20).Dispose();
        ObjPool.Create(without, "ctl", 8 << 20, create).Dispose();
        const uint sdsFeature = 0x4;
        Assert.NotEqual(0u, Incompat(with) & sdsFeature);
        Assert.Equal(0u, Incompat(without) & sdsFeature);
        ObjPool.Open(without, "ctl", open).Dispose();

        static uint Incompat(string path)
        {
            using FileStream f = File.OpenRead(path);
            var b = new byte[4];
            f.Position = 16;
            f.ReadExactly(b);
            return BitConverter.ToUInt32(b);
        }
    }

    [Fact]
    public void Runtime_names_read_statistics_and_add_allocation_classes()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("ctl.pool"), "ctl", 16 << 20);
        pool.Allocate(1000, 1);
        Assert.Equal(pool.Statistics.CurrentAllocated, (long)pool.Ctl.Get("stats.heap.curr_allocated"));
        Assert.True((long)pool.Ctl.Get("stats.heap.curr_allocated") >= 1000);
        Assert.Equal((long)pool.Statistics.RunAllocated, (long)pool.Ctl.Get("stats.heap.run_allocated"));
        Assert.Equal((long)pool.Statistics.RunActive, (long)pool.Ctl.Get("stats.heap.run_active"));

        Assert.Equal(ObjStatsEnabled.Transient, pool.Ctl.Get("stats.enabled"));
        Assert.Equal(ObjStatsEnabled.Both, pool.Ctl.Set("stats.enabled", "both"));
        Assert.Equal(ObjStatsEnabled.Disabled, pool.Ctl.Set("stats.enabled", "0"));
        Assert.Equal(1L << 15, pool.Ctl.Get("tx.cache.size"));
        pool.Ctl.Set("tx.cache.size", "4096");
        Assert.Equal(4096L, pool.Ctl.Get("tx.cache.size"));

        var added = (ObjAllocClassDesc)pool.Ctl.Set("heap.alloc_class.new.desc", "200,0,500,compact");
        Assert.True(added.ClassId > 0);
        var read = (ObjAllocClassDesc)pool.Ctl.Get($"heap.alloc_class.{added.ClassId}.desc");
        Assert.Equal(200UL, read.UnitSize);
        Assert.Equal(HeaderType.Compact, read.Header);
        Assert.True(read.UnitsPerBlock > 0, $"units per block {read.UnitsPerBlock}");

        Assert.Throws<PmemException>(() => pool.Ctl.Get("no.such.name"));
        Assert.Throws<PmemException>(() => pool.Ctl.Set("stats.heap.curr_allocated", "1"));
        Assert.Throws<PmemException>(() => pool.Ctl.Get("heap.alloc_class.254.desc"));
    }

    [Fact]
    public void Environment_configuration_is_applied_at_open()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("env.pool");
        ObjPool.Create(path, "ctl", 8 << 20).Dispose();
        string? saved = Environment.GetEnvironmentVariable(ObjCtlConfig.ConfVariable);
        try
        {
            Environment.SetEnvironmentVariable(ObjCtlConfig.ConfVariable, "prefault.at_open=1;tx.cache.size=1234;stats.enabled=persistent");
            using ObjPool pool = ObjPool.OpenWithEnvironmentConfig(path, "ctl");
            Assert.Equal(1234L, pool.Ctl.Get("tx.cache.size"));
            Assert.Equal(ObjStatsEnabled.Persistent, pool.Ctl.Get("stats.enabled"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ObjCtlConfig.ConfVariable, saved);
        }
    }
}
