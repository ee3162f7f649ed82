// How a freshly reserved block is filled before it is published (PMDK: libpmemobj/palloc.c constructors, obj.c constructor_*).
using System.Buffers;
using Pmdk.Obj.Ulog;
using Pmdk.Pmem;

namespace Pmdk.Obj.Alloc;

/// <summary>Fills a reserved block's user data; everything it writes must be flushed (the allocator drains).</summary>
internal interface IBlockInitializer
{
    void Initialize(ObjMemory pool, ulong userOffset, ulong usableSize);
}

/// <summary>Leaves the data as it is.</summary>
internal struct NoInit : IBlockInitializer
{
    public readonly void Initialize(ObjMemory pool, ulong userOffset, ulong usableSize)
    {
    }
}

/// <summary>Zeroes the data. C: <c>POBJ_FLAG_ZERO</c>.</summary>
internal struct ZeroInit : IBlockInitializer
{
    public readonly void Initialize(ObjMemory pool, ulong userOffset, ulong usableSize) =>
        pool.Persistence.Fill(userOffset, 0, usableSize, PmemFlags.NoDrain);
}

/// <summary>Runs a user constructor over the data, then flushes it.</summary>
internal struct ConstructorInit(ObjectConstructor ctor, bool zero) : IBlockInitializer
{
    public readonly void Initialize(ObjMemory pool, ulong userOffset, ulong usableSize)
    {
        if (zero)
            pool.Persistence.Fill(userOffset, 0, usableSize, PmemFlags.NoDrain);
        int len = (int)Math.Min(usableSize, int.MaxValue);
        ctor(pool.Span(userOffset, len));
        pool.Flush(userOffset, (ulong)len);
    }
}

/// <summary>Runs a user constructor with state over the data, then flushes it.</summary>
internal struct StateConstructorInit<TState>(SpanAction<byte, TState> ctor, TState state, bool zero) : IBlockInitializer
{
    public readonly void Initialize(ObjMemory pool, ulong userOffset, ulong usableSize)
    {
        if (zero)
            pool.Persistence.Fill(userOffset, 0, usableSize, PmemFlags.NoDrain);
        int len = (int)Math.Min(usableSize, int.MaxValue);
        ctor(pool.Span(userOffset, len), state);
        pool.Flush(userOffset, (ulong)len);
    }
}

/// <summary>Copies an old object's bytes (realloc, root growth), zeroing the rest when asked.</summary>
internal struct CopyInit(ulong source, ulong sourceLength, bool zeroTail) : IBlockInitializer
{
    public readonly void Initialize(ObjMemory pool, ulong userOffset, ulong usableSize)
    {
        ulong n = Math.Min(sourceLength, usableSize);
        if (n > 0)
            pool.Persistence.Move(userOffset, source, n, PmemFlags.NoDrain);
        if (zeroTail && usableSize > n)
            pool.Persistence.Fill(userOffset + n, 0, usableSize - n, PmemFlags.NoDrain);
    }
}
