// Simulated power failure at every fence of obj alloc/free/realloc/root growth: the recovered heap holds exactly the published objects.
using System.Buffers.Binary;
using Pmdk.Obj;
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;
using Pmdk.Testing.Crash;
using Xunit.Abstractions;

namespace Pmdk.Crash.Tests;

public sealed partial class ObjCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Layout = "crash";
    private const int Slots = 12;
    private const ulong PoolSize = 24UL << 20;
    private const ulong HugeSize = 2_700_000;
    private const int MaxHuge = 3;
    private const int ReopenAt = 24;
    private const ulong InitialRootSize = Slots * 16;
    private const ulong SignatureMagic = 0x5157_4A42_0000_0000;
    // Run classes of one to seven chunks; a third of the requests are chunk allocations (huge: at least 2.5 MiB).
    private static readonly ulong[] Sizes = [24, 64, 200, 1000, 4000, 9000];
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private enum Kind { RootCreate, Alloc, Free, Realloc, RootGrow }

    private sealed record Op(Kind Kind, int Slot, ulong Size)
    {
        public string Name(int i) => $"{Kind}#{i}";
    }

    /// <summary>What the root publishes: its size and, per slot, the object's requested size and signature version.</summary>
    private sealed record State(ulong RootSize, (ulong Size, int Version)?[] Slots)
    {
        public State Apply(Op op, int version)
        {
            var slots = ((ulong Size, int Version)?[])Slots.Clone();
            switch (op.Kind)
            {
                case Kind.RootCreate:
                    return new State(op.Size, slots);
                case Kind.RootGrow:
                    return this with { RootSize = op.Size };
                case Kind.Alloc:
                    slots[op.Slot] = (op.Size, version);
                    break;
                case Kind.Free:
                    slots[op.Slot] = null;
                    break;
                case Kind.Realloc:
                    slots[op.Slot] = (op.Size, slots[op.Slot]!.Value.Version);
                    break;
            }
            return this with { Slots = slots };
        }

        public string Describe() =>
            $"root {RootSize}; " + string.Join(' ', Slots.Select((s, i) => s is { } v ? $"{i}:{v.Size}/v{v.Version}" : $"{i}:-"));
    }

    /// <summary>A deterministic mix: root creation, allocations of all classes and chunk sizes, frees, reallocations, root growth.</summary>
    private static (Op[] Ops, State[] States) Workload(int count, int seed)
    {
        var rng = new Random(seed);
        var ops = new List<Op> { new(Kind.RootCreate, -1, InitialRootSize) };
        var states = new List<State> { new(0, new (ulong, int)?[Slots]) };
        states.Add(states[0].Apply(ops[0], 0));
        ulong rootSize = InitialRootSize;
        while (ops.Count < count)
        {
            State s = states[^1];
            int[] used = [.. Enumerable.Range(0, Slots).Where(i => s.Slots[i] is not null)];
            int[] empty = [.. Enumerable.Range(0, Slots).Where(i => s.Slots[i] is null)];
            Op op;
            if (ops.Count % 9 == 8)
            {
                rootSize += 320;
                op = new Op(Kind.RootGrow, -1, rootSize);
            }
            else if (empty.Length > 0 && (used.Length < 3 || rng.Next(2) == 0))
            {
                op = new Op(Kind.Alloc, empty[rng.Next(empty.Length)], PickSize(rng, s));
            }
            else if (rng.Next(2) == 0)
            {
                op = new Op(Kind.Free, used[rng.Next(used.Length)], 0);
            }
            else
            {
                op = new Op(Kind.Realloc, used[rng.Next(used.Length)], PickSize(rng, s));
            }
            ops.Add(op);
            states.Add(s.Apply(op, ops.Count - 1));
        }
        return ([.. ops], [.. states]);
    }

    /// <summary>A size; a chunk allocation only while fewer than <see cref="MaxHuge"/> are live (realloc holds two).</summary>
    private static ulong PickSize(Random rng, State s)
    {
        int huge = s.Slots.Count(v => v is { Size: HugeSize });
        while (true)
        {
            ulong size = rng.Next(3) == 0 ? HugeSize : Sizes[rng.Next(Sizes.Length)];
            if (size != HugeSize || huge < MaxHuge)
                return size;
        }
    }

    private static ulong TypeOf(int slot) => 100 + (ulong)slot;

    private static ulong Signature(int slot, int version) => SignatureMagic | ((ulong)slot << 16) | (uint)version;

    private static void Execute(ObjPool pool, Op op, int index)
    {
        PmemOid root = op.Kind == Kind.RootCreate ? PmemOid.Null : pool.RootOrNull;
        switch (op.Kind)
        {
            case Kind.RootCreate:
            case Kind.RootGrow:
                pool.Root(op.Size);
                break;
            case Kind.Alloc:
                ulong signature = Signature(op.Slot, index);
                pool.AllocateInto(ref pool.Ref<PmemOid>(root, (ulong)op.Slot * 16), op.Size, TypeOf(op.Slot),
                    data => BinaryPrimitives.WriteUInt64LittleEndian(data, signature));
                break;
            case Kind.Free:
                pool.Free(ref pool.Ref<PmemOid>(root, (ulong)op.Slot * 16));
                break;
            case Kind.Realloc:
                pool.ReallocateInto(ref pool.Ref<PmemOid>(root, (ulong)op.Slot * 16), op.Size, TypeOf(op.Slot));
                break;
        }
    }

    [Fact]
    public void Every_crash_image_recovers_to_exactly_the_published_objects()
    {
        (Op[] ops, State[] states) = Workload(44, seed: 2024);
        string path = _dir.File("obj");
        using (ObjPool.Create(path, Layout, PoolSize, new ObjPoolOptions { IsPmemForce = true }))
        {
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        CrashReport report = CrashHarness.Run(path, sim =>
        {
            var options = new ObjPoolOptions { IsPmemForce = true, PersistenceProvider = sim };
            var pool = ObjPool.Open(path, Layout, options);
            for (int i = 0; i < ops.Length; i++)
            {
                if (i == ReopenAt)
                {
                    // A reopen mid-way: the zone scan then coalesces freed chunks and turns emptied runs into free chunks.
                    pool.Dispose();
                    pool = ObjPool.Open(path, Layout, options);
                }
                using (sim.Operation(ops[i].Name(i)))
                {
                    try
                    {
                        Execute(pool, ops[i], i);
                    }
                    catch (PmemException e)
                    {
                        throw new InvalidOperationException($"{ops[i]} at #{i} on {states[i].Describe()}; {pool.Statistics}", e);
                    }
                }
            }
            AssertState(pool, states[^1], "the workload's own pool");
            pool.Dispose();
        }, (image, imagePath) => Check(states, image, imagePath), new CrashOptions
        {
            Plan = new CrashPlan { MaxImagesPerCrashPoint = 8 },
            Engines = [ReorderEngine.Accumulative, ReorderEngine.ReverseAccumulative, ReorderEngine.PartialRandom(4, seed: 11)],
        });
        output.WriteLine($"{report} in {started.Elapsed.TotalSeconds:F1} s");
        foreach (CrashFailure f in report.Failures.Take(5))
            output.WriteLine(f.ToString());
        Assert.Equal(0, report.FailureCount);
        Assert.True(report.ImagesChecked >= 300, report.ToString());
    }

    private static void Check(State[] states, CrashImage image, string imagePath)
    {
        if (!ObjPool.Check(imagePath, Layout, out string? problem))
            throw new InvalidDataException($"ObjPool.Check rejects the crash image before recovery: {problem}");
        int completed = image.CompletedOperations.Count;
        State before = states[completed];
        State? after = image.InProgressOperation is null ? null : states[completed + 1];
        using (var pool = ObjPool.Open(imagePath, Layout, new ObjPoolOptions { IsPmemForce = true }))
        {
            string? whyBefore = Mismatch(pool, before);
            string? whyAfter = after is null ? "no operation in progress" : Mismatch(pool, after);
            if (whyBefore is not null && whyAfter is not null)
            {
                throw new InvalidDataException(
                    $"after {completed} operations the pool is neither the state before ({whyBefore}) nor after ({whyAfter}) " +
                    $"{image.InProgressOperation ?? "-"}; expected {before.Describe()}");
            }

            // The recovered heap still works: a run block and a chunk block can be allocated and freed.
            PmemOid small = pool.Allocate(48, 7);
            PmemOid huge = pool.Allocate(300_000, 7);
            pool.Free(ref small);
            pool.Free(ref huge);
        }
        if (!ObjPool.Check(imagePath, Layout, out problem))
            throw new InvalidDataException($"ObjPool.Check rejects the recovered image: {problem}");
    }

    private static void AssertState(ObjPool pool, State state, string what)
    {
        if (Mismatch(pool, state) is { } why)
            throw new InvalidDataException($"{what}: {why}");
    }

    /// <summary>Null when the pool holds exactly <paramref name="state"/>, else what differs.</summary>
    private static string? Mismatch(ObjPool pool, State state)
    {
        if (pool.RootSize != state.RootSize)
            return $"root size {pool.RootSize}, expected {state.RootSize}";
        var published = new Dictionary<ulong, int>();
        var ranges = new List<(ulong Start, ulong End, string What)>();
        if (state.RootSize != 0)
        {
            PmemOid root = pool.RootOrNull;
            if (pool.UsableSize(root) < state.RootSize)
                return $"root usable size {pool.UsableSize(root)} < root size {state.RootSize}";
            ranges.Add((root.Offset, root.Offset + pool.UsableSize(root), "root"));
            for (int i = 0; i < Slots; i++)
            {
                PmemOid oid = pool.Ref<PmemOid>(root, (ulong)i * 16);
                (ulong Size, int Version)? want = state.Slots[i];
                if (want is null)
                {
                    if (!oid.IsNull)
                        return $"slot {i} holds 0x{oid.Offset:x}, expected null";
                    continue;
                }
                if (oid.IsNull)
                    return $"slot {i} is null, expected an object of {want.Value.Size} bytes";
                ulong usable = pool.UsableSize(oid);
                if (usable < want.Value.Size)
                    return $"slot {i}: usable size {usable} < {want.Value.Size}";
                if (pool.TypeNumber(oid) != TypeOf(i))
                    return $"slot {i}: type number {pool.TypeNumber(oid)}";
                ulong sig = pool.Ref<ulong>(oid);
                if (sig != Signature(i, want.Value.Version))
                    return $"slot {i}: signature 0x{sig:x16}, expected 0x{Signature(i, want.Value.Version):x16}";
                if (!published.TryAdd(oid.Offset, i))
                    return $"slots {published[oid.Offset]} and {i} hold the same object 0x{oid.Offset:x}";
                ranges.Add((oid.Offset, oid.Offset + usable, $"slot {i}"));
            }
        }
        else if (state.Slots.Any(s => s is not null))
        {
            return "no root";
        }

        var allocated = pool.Objects().Select(o => o.Offset).ToHashSet();
        if (!allocated.SetEquals(published.Keys))
        {
            string leaked = string.Join(',', allocated.Except(published.Keys).Select(o => $"0x{o:x}"));
            string missing = string.Join(',', published.Keys.Except(allocated).Select(o => $"0x{o:x}"));
            return $"allocated objects differ from the published ones: leaked [{leaked}], not allocated [{missing}]";
        }
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].Start < ranges[i - 1].End)
                return $"{ranges[i - 1].What} and {ranges[i].What} overlap";
        }
        return null;
    }

    [Fact]
    public void A_crash_during_create_leaves_a_pool_that_is_rejected_cleanly_or_opens_empty()
    {
        string path = _dir.File("created");
        CrashReport report = CrashHarness.Run(path, sim =>
        {
            using (sim.Operation("create"))
            {
                using var pool = ObjPool.Create(path, Layout, ObjPool.MinPoolSize,
                    new ObjPoolOptions { IsPmemForce = true, PersistenceProvider = sim });
            }
        }, (image, imagePath) =>
        {
            ObjPool pool;
            try
            {
                pool = ObjPool.Open(imagePath, Layout, new ObjPoolOptions { IsPmemForce = true });
            }
            catch (PmemException) when (image.InProgressOperation is not null)
            {
                return; // the header is written last: an unfinished create is refused with a clear error
            }
            using (pool)
            {
                if (pool.RootSize != 0 || !pool.First().IsNull)
                    throw new InvalidDataException("a new pool is not empty");
                PmemOid o = pool.Allocate(100, 1);
                pool.Free(ref o);
            }
            if (!ObjPool.Check(imagePath, Layout, out string? problem))
                throw new InvalidDataException($"ObjPool.Check rejects the created pool: {problem}");
        }, new CrashOptions
        {
            Plan = new CrashPlan { MaxImagesPerCrashPoint = 16 },
            Engines = [ReorderEngine.Accumulative, ReorderEngine.ReverseAccumulative, ReorderEngine.PartialRandom(4, seed: 3)],
        });
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.FailureCount);
    }
}
