// Allocation from a custom class id (atomic, reserve, transactional), compared with C; arena ctls; copy_on_write.at_open (PMDK: obj.c pmemobj_xalloc, pmemobj_xreserve, tx.c pmemobj_tx_xalloc, ctl heap.*, copy_on_write.at_open).
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Pmdk.Obj.Actions;
using Pmdk.Obj.Ctl;
using Pmdk.Obj.Tx;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Obj.Tests;

public unsafe partial class XAllocTests
{
    private const string Layout = "xalloc";

    /// <summary>C's <c>struct pobj_alloc_class_desc</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct NativeClassDesc
    {
        public nuint UnitSize;
        public nuint Alignment;
        public uint UnitsPerBlock;
        public int HeaderType; // POBJ_HEADER_LEGACY 0, COMPACT 1, NONE 2
        public uint ClassId;
    }

    [LibraryImport("libpmemobj.so.1", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int pmemobj_ctl_set(nint pop, string name, void* arg);

    [LibraryImport("libpmemobj.so.1")]
    private static partial int pmemobj_xalloc(nint pop, NativeOid* oidp, nuint size, ulong typeNum, ulong flags, nint ctor, nint arg);

    private static readonly ObjPoolOptions Fast = new() { IsPmemForce = true };

    // (class id, ctl description, C header type)
    private static readonly (int Id, string Desc, int CHeader)[] Classes = [(128, "96,0,1000,compact", 1), (129, "256,0,500,none", 2), (130, "1024,0,100,legacy", 0)];

    // (class id, request) pairs, including multi-unit requests.
    private static readonly (int Id, ulong Size)[] Requests = [(128, 1), (128, 80), (128, 81), (128, 100), (128, 300), (128, 4000), (129, 1), (129, 256), (130, 8), (130, 2000)];

    private static void Register(ObjPool pool)
    {
        foreach ((int id, string desc, _) in Classes)
            Assert.Equal(id, ((ObjAllocClassDesc)pool.Ctl.Set($"heap.alloc_class.{id}.desc", desc)).ClassId);
    }

    private static void RegisterC(nint pop)
    {
        foreach ((int id, string desc, int header) in Classes)
        {
            string[] f = desc.Split(',');
            var d = new NativeClassDesc { UnitSize = nuint.Parse(f[0]), Alignment = 0, UnitsPerBlock = uint.Parse(f[2]), HeaderType = header, ClassId = (uint)id };
            Assert.True(pmemobj_ctl_set(pop, $"heap.alloc_class.{id}.desc", &d) == 0, NativeObj.ErrorMessage());
        }
    }

    [Fact]
    public void Usable_sizes_from_registered_classes_equal_Cs_for_the_same_descriptions()
    {
        using var dir = new TempPoolDirectory();
        var ours = new List<ulong>();
        using (ObjPool pool = ObjPool.Create(dir.File("ours.pool"), Layout, 16 << 20, Fast))
        {
            Register(pool);
            foreach ((int id, ulong size) in Requests)
                ours.Add(pool.UsableSize(pool.XAllocate(size, 1, ObjPool.ClassId(id))));
        }
        var theirs = new List<ulong>();
        nint pop = NativeObj.pmemobj_create(dir.File("c.pool"), Layout, 16 << 20, 0x1b6);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            RegisterC(pop);
            foreach ((int id, ulong size) in Requests)
            {
                NativeOid oid;
                Assert.True(pmemobj_xalloc(pop, &oid, (nuint)size, 1, (ulong)id << 48, 0, 0) == 0, NativeObj.ErrorMessage());
                theirs.Add(NativeObj.pmemobj_alloc_usable_size(oid));
            }
            // What C refuses, we refuse: a none-header class holds one unit; no class 200.
            NativeOid bad;
            Assert.NotEqual(0, pmemobj_xalloc(pop, &bad, 257, 1, 129UL << 48, 0, 0));
            Assert.NotEqual(0, pmemobj_xalloc(pop, &bad, 10, 1, 200UL << 48, 0, 0));
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void Objects_of_custom_classes_are_read_by_C_after_reopen_and_the_pool_passes_its_check()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("ours.pool");
        var ours = new List<(ulong Off, ulong Type, ulong Usable)>();
        using (ObjPool pool = ObjPool.Create(path, Layout, 16 << 20, Fast))
        {
            Register(pool);
            ulong type = 1;
            foreach ((int id, ulong size) in Requests)
                pool.XAllocate(size, type++, ObjPool.ClassId(id) | ObjAllocFlags.Zero);
            foreach (PmemOid o in pool.Objects())
                ours.Add((o.Offset, pool.TypeNumber(o), pool.UsableSize(o)));
        }
        Assert.Equal(Requests.Length, ours.Count);
        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
        Assert.Equal(ours, NativeObj.OpenAndWalk(path, Layout));
        // Classes are not persistent: after reopen the objects are still there, the class id is not.
        using ObjPool again = ObjPool.Open(path, Layout, Fast);
        Assert.Equal(ours.Count, again.Objects().Count());
        Assert.Throws<PmemException>(() => again.XAllocate(10, 1, ObjPool.ClassId(128)));
    }

    [Fact]
    public void Bad_class_ids_sizes_and_flags_are_refused_like_PMDK()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("p.pool"), Layout, 16 << 20, Fast);
        Register(pool);
        Assert.Throws<PmemException>(() => pool.XAllocate(10, 1, ObjPool.ClassId(200)));
        Assert.Throws<PmemException>(() => pool.XAllocate(257, 1, ObjPool.ClassId(129)));     // none header: one unit
        Assert.Throws<PmemException>(() => pool.XAllocate(96 * 64, 1, ObjPool.ClassId(128))); // more than 64 units
        Assert.Throws<PmemException>(() => pool.Ctl.Set("heap.alloc_class.140.desc", "96,0,1000,compact")); // same run layout as 128
        Assert.Throws<PmemException>(() => pool.Ctl.Set("heap.alloc_class.141.desc", "128,0,1000,compact")); // same as default class 1
        Assert.Equal(2726U, ((ObjAllocClassDesc)pool.Ctl.Get("heap.alloc_class.128.desc")).UnitsPerBlock); // C's nallocs
        Assert.Throws<ArgumentException>(() => pool.XAllocate(10, 1, ObjPool.ArenaId(1)));     // not an xalloc flag in C
        Assert.Throws<PmemException>(() => pool.Ctl.Set("heap.alloc_class.128.desc", "160,0,10,compact")); // id taken
        Assert.Throws<PmemException>(() => pool.XReserve(10, 1, ObjPool.ArenaId(9999)));
        long before = pool.Statistics.CurrentAllocated;
        Assert.Equal(before, pool.Statistics.CurrentAllocated);
    }

    [Fact]
    public void XReserve_and_transactional_xalloc_take_the_class_and_arena()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("p.pool"), Layout, 16 << 20, Fast);
        Register(pool);
        ObjAction a = pool.XReserve(100, 3, ObjPool.ClassId(128) | ObjPool.ArenaId(1) | ObjAllocFlags.Zero);
        pool.Publish(a);
        PmemOid reserved = pool.Objects(3).Single();
        Assert.Equal(176UL, pool.UsableSize(reserved)); // two 96-byte units minus the compact header
        Assert.True(pool.GetSpan(reserved).IndexOfAnyExcept((byte)0) < 0);

        PmemOid inTx = PmemOid.Null;
        pool.Transaction(tx => inTx = tx.XAllocateFromClass(200, 4, TxAllocFlags.Zero, 129));
        Assert.Equal(256UL, pool.UsableSize(inTx));
        Assert.Equal(0UL, pool.TypeNumber(inTx)); // a header-less object keeps no type number, as in C

        Assert.Throws<TransactionAbortedException>(() => pool.Transaction(tx => tx.XAllocateFromClass(10, 5, TxAllocFlags.None, 201)));
        Assert.Empty(pool.Objects(5));
    }

    [Fact]
    public void Transactional_xalloc_takes_class_and_arena_ids_in_its_flags_like_pmemobj_tx_xalloc()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("p.pool"), Layout, 16 << 20, Fast);
        Register(pool);
        PmemOid o = PmemOid.Null;
        pool.Transaction(tx => o = tx.XAllocate(100, 6, ObjTransaction.ClassId(128) | ObjTransaction.ArenaId(1) | TxAllocFlags.Zero));
        Assert.Equal(176UL, pool.UsableSize(o)); // the class's two 96-byte units, not the best-fit class
        Assert.Equal(6UL, pool.TypeNumber(o));

        Assert.Throws<TransactionAbortedException>(() => pool.Transaction(tx => tx.XAllocate(10, 7, ObjTransaction.ArenaId(9999))));
        Assert.Throws<TransactionAbortedException>(() => pool.Transaction(tx => tx.XAllocate(10, 7, ObjTransaction.ClassId(201))));
        Assert.Empty(pool.Objects(7));
    }

    [Fact]
    public void Arena_ctls_count_create_and_switch_arenas()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("p.pool"), Layout, 16 << 20, Fast);
        long total = (long)pool.Ctl.Get("heap.narenas.total");
        Assert.Equal(Math.Max(1, Environment.ProcessorCount), total);
        Assert.Equal(total, (long)pool.Ctl.Get("heap.narenas.automatic"));
        long created = (long)pool.Ctl.Exec("heap.arena.create");
        Assert.Equal(total + 1, created);
        Assert.False((bool)pool.Ctl.Get($"heap.arena.{created}.automatic"));
        Assert.Equal(total, (long)pool.Ctl.Get("heap.narenas.automatic"));

        pool.Ctl.Set("heap.thread.arena_id", created.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(created, (long)pool.Ctl.Get("heap.thread.arena_id"));
        Assert.Equal(0L, (long)pool.Ctl.Get($"heap.arena.{created}.size"));
        PmemOid o = pool.Allocate(64, 1);
        Assert.Equal(256L << 10, (long)pool.Ctl.Get($"heap.arena.{created}.size")); // the one-chunk run its 64-byte bucket took
        pool.Free(ref o);
        Assert.Throws<PmemException>(() => pool.Ctl.Get("heap.arena.9999.size"));
        Assert.Throws<PmemException>(() => pool.Ctl.Set("heap.thread.arena_id", "0"));
        Assert.Throws<PmemException>(() => pool.Ctl.Exec("heap.arena.destroy"));
    }

    [Fact]
    public void Copy_on_write_at_open_leaves_the_file_unchanged()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("cow.pool");
        PmemOid keep;
        using (ObjPool pool = ObjPool.Create(path, Layout, 16 << 20, Fast))
        {
            keep = pool.Allocate(100, 1, s => s.Fill(0x5A));
        }
        byte[] before = SHA256.HashData(File.ReadAllBytes(path));

        ObjPoolOptions cow = ObjCtlConfig.ApplyTo(Fast, ObjCtlConfig.Parse("copy_on_write.at_open=1"), create: false);
        Assert.True(cow.CopyOnWriteAtOpen);
        using (ObjPool pool = ObjPool.Open(path, Layout, cow))
        {
            pool.GetSpan(keep).Fill(0xA5);
            pool.Persist(keep, 0, 100);
            for (int i = 0; i < 50; i++)
                pool.Allocate(1000, 2);
            PmemOid gone = keep;
            pool.Free(ref gone);
            Assert.Empty(pool.Objects(1));
        }
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(path)));

        using ObjPool normal = ObjPool.Open(path, Layout, Fast);
        Assert.Equal(keep.Offset, normal.Objects(1).Single().Offset);
        Assert.Empty(normal.Objects(2));
        Assert.True(normal.GetSpan(keep)[..100].IndexOfAnyExcept((byte)0x5A) < 0);
    }
}
