// The default allocation classes and PMDK's best-fit class selection (PMDK: libpmemobj/alloc_class.c).
using Pmdk.Obj.Heap;

namespace Pmdk.Obj.Alloc;

/// <summary>
/// The classes of a heap: class 0 (huge), the 53 default run classes of PMDK 1.12.1 (spec §5.7), and custom ones.
/// Class selection reproduces PMDK's usable sizes.
/// </summary>
public sealed class AllocationClassCollection
{
    /// <summary>Most classes a heap can have. C: <c>MAX_ALLOCATION_CLASSES</c>.</summary>
    public const int MaxClasses = 255;

    /// <summary>Requests at or above this size always use whole chunks.</summary>
    public const ulong HugeThreshold = 2621440;

    /// <summary>Largest number of units a run object may take. C: <c>RUN_UNIT_MAX_ALLOC</c>.</summary>
    public const uint RunUnitMaxAlloc = 8;

    private const int Granularity = 16;
    private const byte NotComputed = 0xFF;

    // (unit size, run size_idx) of default classes 1..53 (spec §5.7).
    private static readonly (uint Unit, uint SizeIdx)[] DefaultTable =
    [
        (128, 1), (192, 1), (320, 1), (448, 1), (704, 1), (832, 1), (1088, 1), (1216, 1), (1472, 2), (1728, 2),
        (1856, 2), (1984, 2), (2368, 2), (3776, 3), (4480, 4), (5376, 4), (5504, 5), (6208, 5), (6720, 5), (7488, 6),
        (7744, 6), (9216, 7), (9664, 8), (10176, 8), (11072, 9), (12032, 9), (11968, 10), (12480, 10), (14272, 11),
        (16704, 13), (17472, 14), (23040, 16), (24384, 16), (26048, 16), (27776, 16), (29120, 16), (31296, 16),
        (39936, 16), (46592, 16), (51776, 16), (54464, 16), (66560, 16), (80640, 16), (107520, 16), (113344, 16),
        (135296, 16), (149760, 16), (167744, 16), (209664, 16), (220736, 16), (246720, 16), (262080, 16), (349440, 16),
    ];

    private readonly AllocationClass?[] _classes = new AllocationClass?[MaxClasses];
    private readonly byte[] _byGranule = new byte[HugeThreshold / Granularity + 1];
    private readonly Dictionary<(ulong Unit, ChunkFlags Flags, uint SizeIdx), AllocationClass> _byRun = [];

    /// <summary>Creates the default collection.</summary>
    public AllocationClassCollection()
    {
        Add(new AllocationClass(0, AllocationClassKind.Huge, HeapLayout.ChunkSize, 1, HeaderType.Compact, 0));
        for (int i = 0; i < DefaultTable.Length; i++)
            Add(new AllocationClass((byte)(i + 1), AllocationClassKind.Run, DefaultTable[i].Unit, DefaultTable[i].SizeIdx, HeaderType.Compact, 0));
        _byGranule.AsSpan().Fill(NotComputed);
    }

    /// <summary>The huge class (id 0).</summary>
    public AllocationClass Huge => _classes[0]!;

    /// <summary>The class with id <paramref name="id"/>, or null.</summary>
    public AllocationClass? this[int id] => (uint)id < MaxClasses ? _classes[id] : null;

    /// <summary>Number of defined classes.</summary>
    public int Count { get; private set; }

    /// <summary>The run class a run header describes, or null when no class matches (a foreign run).</summary>
    public AllocationClass? FindRunClass(ulong unit, ChunkFlags flags, uint sizeIdx) =>
        _byRun.TryGetValue((unit, flags, sizeIdx), out AllocationClass? c) ? c : null;

    /// <summary>
    /// Adds a custom run class at id <paramref name="id"/>, or at the next free id (54+) when it is -1.
    /// C: <c>heap.alloc_class.[id].desc</c>, <c>heap.alloc_class.new.desc</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The id is taken or no id is free.</exception>
    public AllocationClass AddCustom(ulong unitSize, uint unitsPerBlock, HeaderType header, ulong alignment, int id = -1)
    {
        if (unitSize == 0 || unitsPerBlock == 0)
            throw new ArgumentOutOfRangeException(nameof(unitSize), "unit size and units per block must be positive.");
        if (id >= 0)
        {
            if (id == 0 || id >= MaxClasses)
                throw new ArgumentOutOfRangeException(nameof(id), $"allocation class id {id} is outside 1..{MaxClasses - 1}.");
            if (_classes[id] is not null)
                throw new InvalidOperationException($"allocation class {id} already exists.");
        }
        else
        {
            id = 1;
            while (id < MaxClasses && _classes[id] is not null)
                id++;
            if (id >= MaxClasses)
                throw new InvalidOperationException("no free allocation class id.");
        }
        // PMDK sizes a custom run as units × unit size plus the run header (and the alignment), in whole chunks.
        ulong needed = unitSize * unitsPerBlock + ChunkRunHeader.Size + alignment;
        uint sizeIdx = (uint)Math.Max(1, (needed + HeapLayout.ChunkSize - 1) / HeapLayout.ChunkSize);
        if (sizeIdx > HeapLayout.MaxChunk)
            throw new ArgumentOutOfRangeException(nameof(unitSize), "the run of this class would exceed a zone.");
        var c = new AllocationClass((byte)id, AllocationClassKind.Run, unitSize, sizeIdx, header, alignment);
        // Like PMDK, a run layout already served by a class cannot get a second one.
        if (_byRun.ContainsKey((c.UnitSize, c.RunFlags, c.RunSizeIdx)))
            throw new InvalidOperationException($"a class with unit size {unitSize}, header {header} and runs of {sizeIdx} chunks already exists.");
        Add(c);
        return c;
    }

    /// <summary>The class PMDK would pick for a request of <paramref name="size"/> user bytes.</summary>
    public AllocationClass Select(ulong size)
    {
        if (size >= HugeThreshold)
            return Huge;
        if (size <= 112)
            return _classes[1]!;
        ulong granule = (size + Granularity - 1) / Granularity;
        byte id = _byGranule[granule];
        if (id == NotComputed)
        {
            id = FindMinFragmentation(granule * Granularity).Id;
            _byGranule[granule] = id;
        }
        return _classes[id]!;
    }

    private AllocationClass FindMinFragmentation(ulong n)
    {
        AllocationClass? best = null;
        ulong lowest = ulong.MaxValue;
        for (int i = MaxClasses - 1; i >= 0; i--)
        {
            AllocationClass? c = _classes[i];
            // Custom classes are reachable only by id, as in PMDK; selection sees class 0 and the defaults.
            if (c is null || c.Header == HeaderType.None || c.Id > DefaultTable.Length)
                continue;
            ulong real = n + (ulong)c.HeaderSize;
            ulong units = (real + c.UnitSize - 1) / c.UnitSize;
            if (c.Kind == AllocationClassKind.Run && units > RunUnitMaxAlloc)
                continue;
            if (c.UnitSize * units == real)
                return c;
            ulong waste = c.UnitSize * units - real;
            if (c.Kind == AllocationClassKind.Run)
            {
                ulong nallocs = c.Geometry.NBits;
                waste += nallocs % units * c.UnitSize / nallocs;
            }
            if (best is null || lowest > waste)
            {
                best = c;
                lowest = waste;
            }
        }
        return best!;
    }

    private void Add(AllocationClass c)
    {
        _classes[c.Id] = c;
        Count++;
        if (c.Kind == AllocationClassKind.Run)
            _byRun.TryAdd((c.UnitSize, c.RunFlags, c.RunSizeIdx), c);
    }
}
