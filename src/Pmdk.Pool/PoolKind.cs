// The pool types and their signatures, majors and minimum sizes (PMDK: libpmemlog/log.h, libpmemblk/blk.h, obj.h).
namespace Pmdk.Pool;

/// <summary>A pool type: signature, format major and size limits.</summary>
/// <param name="Name">Short name as <c>pmempool</c> uses it (<c>log</c>, <c>blk</c>, <c>obj</c>).</param>
/// <param name="Signature">7 ASCII letters; the header stores them NUL-padded to 8 bytes.</param>
/// <param name="Major">Format major version.</param>
/// <param name="MinPoolSize">Minimum usable replica size.</param>
/// <param name="MinPartSize">Minimum size of each part file.</param>
public sealed record PoolKind(string Name, string Signature, uint Major, ulong MinPoolSize, ulong MinPartSize)
{
    /// <summary>pmemlog: <c>PMEMLOG</c>, major 1, 2 MiB minimum. C: <c>PMEMLOG_MIN_POOL</c>, <c>PMEMLOG_MIN_PART</c>.</summary>
    public static PoolKind Log { get; } = new("log", "PMEMLOG", 1, 2UL << 20, 2UL << 20);

    /// <summary>pmemblk: <c>PMEMBLK</c>, major 1, 16 MiB + 8 KiB minimum. C: <c>PMEMBLK_MIN_POOL</c>, <c>PMEMBLK_MIN_PART</c>.</summary>
    public static PoolKind Blk { get; } = new("blk", "PMEMBLK", 1, (16UL << 20) + 8192, 2UL << 20);

    /// <summary>pmemobj: <c>PMEMOBJ</c>, major 6, 8 MiB minimum. C: <c>PMEMOBJ_MIN_POOL</c>.</summary>
    public static PoolKind Obj { get; } = new("obj", "PMEMOBJ", 6, 8UL << 20, 2UL << 20);

    /// <summary>The known kinds.</summary>
    public static IReadOnlyList<PoolKind> All { get; } = [Log, Blk, Obj];

    /// <summary>The kind whose 8-byte signature field equals <paramref name="signature"/>, or null.</summary>
    public static PoolKind? FromSignature(ReadOnlySpan<byte> signature)
    {
        foreach (PoolKind kind in All)
        {
            if (kind.SignatureMatches(signature))
                return kind;
        }
        return null;
    }

    /// <summary>Whether an 8-byte signature field holds this kind's signature followed by NUL.</summary>
    public bool SignatureMatches(ReadOnlySpan<byte> field)
    {
        if (field.Length < 8)
            return false;
        for (int i = 0; i < 7; i++)
        {
            if (field[i] != (byte)Signature[i])
                return false;
        }
        return field[7] == 0;
    }
}
