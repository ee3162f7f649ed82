// Constructors of objects allocated inside a transaction: no flush of their own, the commit flushes the range (PMDK: libpmemobj/tx.c constructor_tx_alloc).
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Tx;

/// <summary>Zeroes and/or copies into a block reserved by a transaction; plain stores, flushed at commit.</summary>
internal readonly struct TxAllocInit(bool zero, ulong copyFrom, ulong copyLength, byte[]? copyBytes) : IBlockInitializer
{
    public void Initialize(ObjMemory pool, ulong userOffset, ulong usableSize)
    {
        if (zero)
            Clear(pool, userOffset, usableSize);
        if (copyBytes is not null)
        {
            copyBytes.AsSpan(0, (int)Math.Min((ulong)copyBytes.Length, usableSize)).CopyTo(pool.Span(userOffset, (int)Math.Min((ulong)copyBytes.Length, usableSize)));
        }
        else if (copyLength != 0)
        {
            ulong n = Math.Min(copyLength, usableSize);
            for (ulong done = 0; done < n;)
            {
                int part = (int)Math.Min(n - done, 1UL << 30);
                pool.Span(copyFrom + done, part).CopyTo(pool.Span(userOffset + done, part));
                done += (ulong)part;
            }
        }
    }

    private static void Clear(ObjMemory pool, ulong offset, ulong length)
    {
        for (ulong done = 0; done < length;)
        {
            int part = (int)Math.Min(length - done, 1UL << 30);
            pool.Span(offset + done, part).Clear();
            done += (ulong)part;
        }
    }
}
