// Managed allocations of steady-state transactions: only the ObjTransaction handle (PMDK: libpmemobj/tx.c, which mallocs per transaction).
using Pmdk.Obj.Tx;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests.Tx;

public sealed class TxAllocationTests
{
    /// <summary>Bytes of the per-transaction <see cref="ObjTransaction"/> handle (object header, method table, fields), rounded up.</summary>
    private const long HandleBytes = 48;

    [Fact]
    public void Empty_and_snapshot_transactions_allocate_nothing_but_their_handle()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("a.pool"), "tx", 32 << 20);
        PmemOid root = pool.Root(4096);
        void Run(int n)
        {
            for (int i = 0; i < n; i++)
            {
                using (ObjTransaction tx = pool.BeginTransaction())
                    tx.Commit();
                using (ObjTransaction tx = pool.BeginTransaction())
                {
                    tx.AddRange(root, 0, 64);
                    tx.AddRange(root, (ulong)(128 + i % 8 * 256), 8);
                    tx.AddRange(root, 1024, 3000);
                    pool.GetSpan(root)[..64].Fill((byte)i);
                    tx.Commit();
                }
                using (ObjTransaction tx = pool.BeginTransaction())
                {
                    tx.AddRange(root, 0, 8);
                    tx.Abort();
                }
            }
        }
        Run(200); // warm: lazily created lane operations, extensions, tiered code
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int N = 2000;
        Run(N);
        long perTx = (GC.GetAllocatedBytesForCurrentThread() - before) / (3 * N);
        Assert.True(perTx <= HandleBytes, $"{perTx} bytes allocated per transaction");
    }
}
