// Atomic lists shared with Debian's libpmemobj: C operates on our lists and we on C's, both against one model (PMDK: libpmemobj/list.c).
using Pmdk.Obj.Tests.Tx;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Obj.Tests.Lists;

public unsafe class ListCompatTests
{
    /// <summary>Drives the lists through C's <c>pmemobj_list_*</c>.</summary>
    private sealed class CDriver(nint pop, nint root, ulong uuidLo) : ListDriver
    {
        private TxOid O(ulong off) => off == 0 ? default : new TxOid { PoolUuidLo = uuidLo, Off = off };

        private nint H(int list) => root + (nint)(list == 0 ? HeadA : HeadB);

        public override ulong InsertNew(int list, ulong dest, bool before)
        {
            TxOid o = NativeLists.pmemobj_list_insert_new(pop, (nuint)Entry, H(list), O(dest), before ? 1 : 0, (nuint)ElementSize, ElementType, 0, 0);
            Assert.True(o.Off != 0, NativeObj.ErrorMessage());
            return o.Off;
        }

        public override ulong AllocateLoose()
        {
            NativeOid o;
            Assert.Equal(0, NativeObj.pmemobj_zalloc(pop, &o, (nuint)ElementSize, ElementType));
            return o.Off;
        }

        public override void Insert(int list, ulong dest, bool before, ulong obj) =>
            Assert.Equal(0, NativeLists.pmemobj_list_insert(pop, (nuint)Entry, H(list), O(dest), before ? 1 : 0, O(obj)));

        public override void Remove(int list, ulong obj, bool free) =>
            Assert.Equal(0, NativeLists.pmemobj_list_remove(pop, (nuint)Entry, H(list), O(obj), free ? 1 : 0));

        public override void Move(int from, int to, ulong dest, bool before, ulong obj) =>
            Assert.Equal(0, NativeLists.pmemobj_list_move(pop, (nuint)Entry, H(from), (nuint)Entry, H(to), O(dest), before ? 1 : 0, O(obj)));
    }

    private static List<ulong>[] RunC(string path, List<ulong>[] model, int seed, bool create)
    {
        nint pop = create
            ? NativeObj.pmemobj_create(path, "lists", 16 << 20, 0b110_110_000)
            : NativeObj.pmemobj_open(path, "lists");
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            NativeOid root = NativeObj.pmemobj_root(pop, 256);
            var drv = new CDriver(pop, NativeObj.pmemobj_direct(root), root.PoolUuidLo);
            drv.Model[0].AddRange(model[0]);
            drv.Model[1].AddRange(model[1]);
            drv.RandomSteps(new Random(seed), 300);
            return drv.Model;
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
    }

    private static List<ulong>[] RunOurs(string path, List<ulong>[] model, int seed, bool create)
    {
        using ObjPool pool = create ? ObjPool.Create(path, "lists", 16 << 20) : ObjPool.Open(path, "lists");
        var drv = new ListTests.OurDriver(pool, pool.Root(256));
        drv.Model[0].AddRange(model[0]);
        drv.Model[1].AddRange(model[1]);
        drv.Verify(); // what the other side left is exactly the model
        drv.RandomSteps(new Random(seed), 300);
        drv.Verify();
        return drv.Model;
    }

    [Fact]
    public void C_continues_lists_we_made_and_we_continue_its()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("ours.pool");
        List<ulong>[] m = RunOurs(path, [[], []], 1, create: true);
        m = RunC(path, m, 2, create: false);
        m = RunOurs(path, m, 3, create: false);
        Assert.True(m[0].Count + m[1].Count > 0);
        Assert.Equal(1, NativeObj.pmemobj_check(path, "lists"));
    }

    [Fact]
    public void We_continue_lists_C_made_and_C_continues_ours()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("c.pool");
        List<ulong>[] m = RunC(path, [[], []], 4, create: true);
        m = RunOurs(path, m, 5, create: false);
        m = RunC(path, m, 6, create: false);
        RunOurs(path, m, 7, create: false);
        Assert.Equal(1, NativeObj.pmemobj_check(path, "lists"));
    }
}
