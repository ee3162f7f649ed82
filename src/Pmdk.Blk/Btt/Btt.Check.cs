// Consistency check of the loaded BTT: every internal block referenced exactly once (PMDK: libpmemblk/btt.c btt_check, check_arena).
using System.Collections;

namespace Pmdk.Blk.Btt;

internal sealed partial class Btt
{
    /// <summary>
    /// Checks that in every arena the map and the lanes' free blocks reference each internal block exactly once.
    /// A namespace without a layout is consistent. Problems found are appended to <paramref name="problems"/>.
    /// C: <c>btt_check</c> (an out-of-range map entry, an error there, counts as inconsistent here).
    /// </summary>
    public bool Check(List<string>? problems = null)
    {
        if (!_laidOut)
            return true;
        bool consistent = true;
        foreach (BttArena arena in _arenas)
            consistent &= CheckArena(arena, problems);
        return consistent;
    }

    private bool CheckArena(BttArena arena, List<string>? problems)
    {
        bool consistent = true;
        var seen = new BitArray(checked((int)arena.InternalNlba));
        void Report(string message)
        {
            consistent = false;
            problems?.Add($"arena {arena.Index}: {message}");
        }

        byte[] chunk = new byte[64 * 1024];
        for (uint i = 0; i < arena.ExternalNlba;)
        {
            int count = (int)Math.Min((uint)(chunk.Length / 4), arena.ExternalNlba - i);
            Span<byte> span = chunk.AsSpan(0, count * 4);
            _ns.Read(arena.MapEntryOffset(i), span);
            for (int k = 0; k < count; k++, i++)
            {
                uint entry = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span[(k * 4)..]);
                uint post = BttLayout.IsInitial(entry) ? i : entry & BttLayout.MapLbaMask;
                if (post >= arena.InternalNlba)
                    Report($"map[{i}] entry out of bounds: {post}");
                else if (seen[(int)post])
                    Report($"map[{i}] duplicate entry: {post}");
                else
                    seen[(int)post] = true;
            }
        }

        for (int lane = 0; lane < arena.Flogs.Length; lane++)
        {
            uint post = arena.Flogs[lane].Current.OldMap & BttLayout.MapLbaMask;
            if (post >= arena.InternalNlba)
                Report($"flog[{lane}] free block out of bounds: {post}");
            else if (seen[(int)post])
                Report($"flog[{lane}] duplicate entry: {post}");
            else
                seen[(int)post] = true;
        }

        for (int b = 0; b < seen.Length; b++)
        {
            if (!seen[b])
                Report($"unreferenced block: {b}");
        }
        return consistent;
    }
}
