// Constants and the hash function shared by both hash maps (PMDK: hashmap/hashmap_internal.h).
namespace Pmdk.Examples.MapCli;

/// <summary>Hash map tuning constants and the universal hash ((a·k + b) mod p) mod n.</summary>
public static class HashMapMath
{
    /// <summary>The prime p (HASH_FUNC_COEFF_P).</summary>
    public const ulong CoeffP = 32212254719UL;

    /// <summary>Buckets of a new map (INIT_BUCKETS_NUM).</summary>
    public const ulong InitialBuckets = 10;

    /// <summary>Chain length that allows growth when the map is also dense (MIN_HASHSET_THRESHOLD).</summary>
    public const int MinThreshold = 5;

    /// <summary>Chain length that always triggers growth (MAX_HASHSET_THRESHOLD).</summary>
    public const int MaxThreshold = 10;

    /// <summary>The bucket of <paramref name="key"/>; the product wraps modulo 2^64 as in C.</summary>
    public static ulong Hash(uint a, uint b, ulong p, ulong buckets, ulong key) => unchecked((a * key + b) % p % buckets);
}
