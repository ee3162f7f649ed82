// The queue example's commands new/enqueue/dequeue/show over C's layout (PMDK: queue/queue.c).
using System.Text;
using Pmdk.Obj;

namespace Pmdk.Examples.Queue;

/// <summary>
/// <c>struct root { TOID(struct queue) queue; }</c>, <c>struct queue { size_t front, back, capacity; TOID entries[]; }</c>
/// (type 2) and <c>struct entry { size_t len; char data[]; }</c> (type 1), in layout "queue".
/// </summary>
public static class QueueApp
{
    /// <summary>The pool layout name (POBJ_LAYOUT_NAME(queue)).</summary>
    public const string Layout = "queue";

    /// <summary>Type number of an entry (first POBJ_LAYOUT_TOID).</summary>
    public const ulong EntryType = 1;

    /// <summary>Type number of the queue (second POBJ_LAYOUT_TOID).</summary>
    public const ulong QueueType = 2;

    private const ulong FrontOff = 0, BackOff = 8, CapacityOff = 16, EntriesOff = 24;

    private sealed class FailException(string message) : Exception(message);

    /// <summary>Runs the program with C's argv minus the program name; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            Execute(args, output);
            return 0;
        }
        catch (FailException e)
        {
            output.Flush();
            error.Write(e.Message + "\n");
            return 1;
        }
        finally
        {
            output.Flush();
        }
    }

    private static void Execute(string[] args, TextWriter output)
    {
        string[] ops = ["new", "enqueue", "dequeue", "show"];
        if (args.Length < 2 || !ops.Contains(args[1]))
            throw new FailException("usage: file-name [new <n>|show|enqueue <data>|dequeue]");
        ObjPool pool;
        try
        {
            pool = ObjPool.Open(args[0], Layout);
        }
        catch (Exception e) when (e is PmemException or IOException or UnauthorizedAccessException)
        {
            throw new FailException("failed to open the pool");
        }
        using (pool)
        {
            PmemOid root = pool.Root(16);
            ref PmemOid queue = ref pool.Ref<PmemOid>(root);
            switch (args[1])
            {
                case "new":
                    if (args.Length != 3)
                        throw new FailException("missing size of the queue");
                    if (!TryStrToULL(args[2], out ulong capacity))
                        throw new FailException("invalid size of the queue");
                    try
                    {
                        pool.AllocateInto(ref queue, EntriesOff + 16 * capacity, QueueType, span =>
                        {
                            span[..(int)EntriesOff].Clear();
                            BitConverter.TryWriteBytes(span[(int)CapacityOff..], capacity);
                        });
                    }
                    catch (Exception e) when (e is PmemException or ArgumentException)
                    {
                        throw new FailException("failed to create a new queue");
                    }
                    break;
                case "enqueue":
                    if (args.Length != 3)
                        throw new FailException("missing new entry data");
                    RequireQueue(queue);
                    if (Enqueue(pool, queue, args[2], output) != 0)
                        throw new FailException("failed to insert new entry");
                    break;
                case "dequeue":
                    RequireQueue(queue);
                    if (Dequeue(pool, queue, output) != 0)
                        throw new FailException("failed to remove entry");
                    break;
                default:
                    RequireQueue(queue);
                    Show(pool, queue, output);
                    break;
            }
        }
    }

    private static void RequireQueue(PmemOid queue)
    {
        if (queue.IsNull)
            throw new FailException("queue must exist");
    }

    private static ulong Entries(ObjPool pool, PmemOid q) => pool.Ref<ulong>(q, BackOff) - pool.Ref<ulong>(q, FrontOff);

    private static string Data(ObjPool pool, PmemOid entry)
    {
        Span<byte> data = pool.GetSpan(entry)[8..];
        int end = data.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? data : data[..end]);
    }

    private static int Enqueue(ObjPool pool, PmemOid q, string text, TextWriter output)
    {
        ulong capacity = pool.Ref<ulong>(q, CapacityOff);
        if (capacity - Entries(pool, q) == 0)
            return -1;
        ulong pos = pool.Ref<ulong>(q, BackOff) % capacity;
        output.Write($"inserting {pos}: {text}\n");
        byte[] data = Encoding.UTF8.GetBytes(text + "\0");
        try
        {
            pool.Transaction(tx =>
            {
                tx.AddRange(q, BackOff, 8);
                pool.Ref<ulong>(q, BackOff) += 1;
                PmemOid entry = tx.Allocate(8 + (ulong)data.Length, EntryType);
                pool.Ref<ulong>(entry) = (ulong)data.Length;
                data.CopyTo(pool.GetSpan(entry)[8..]);
                tx.AddRange(q, EntriesOff + 16 * pos, 16);
                pool.Ref<PmemOid>(q, EntriesOff + 16 * pos) = entry;
            });
        }
        catch (Exception e) when (e is PmemException or Pmdk.Obj.Tx.TransactionAbortedException)
        {
            return -1;
        }
        return 0;
    }

    private static int Dequeue(ObjPool pool, PmemOid q, TextWriter output)
    {
        if (Entries(pool, q) == 0)
            return -1;
        ulong pos = pool.Ref<ulong>(q, FrontOff) % pool.Ref<ulong>(q, CapacityOff);
        PmemOid entry = pool.Ref<PmemOid>(q, EntriesOff + 16 * pos);
        output.Write($"removing {pos}: {Data(pool, entry)}\n");
        pool.Transaction(tx =>
        {
            tx.AddRange(q, FrontOff, 8);
            pool.Ref<ulong>(q, FrontOff) += 1;
            tx.Free(entry);
        });
        return 0;
    }

    private static void Show(ObjPool pool, PmemOid q, TextWriter output)
    {
        ulong capacity = pool.Ref<ulong>(q, CapacityOff);
        output.Write($"Entries {Entries(pool, q)}/{capacity}\n");
        for (ulong i = pool.Ref<ulong>(q, FrontOff); i < pool.Ref<ulong>(q, BackOff); i++)
        {
            ulong pos = i % capacity;
            output.Write($"{pos}: {Data(pool, pool.Ref<PmemOid>(q, EntriesOff + 16 * pos))}\n");
        }
    }

    /// <summary>strtoull(text, &amp;end, 0) accepting the whole string: blanks, sign, 0x hex / 0 octal / decimal; false on overflow or junk.</summary>
    public static bool TryStrToULL(string text, out ulong value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = 0;
        string s = text.TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        bool negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        int radix = 10;
        if (s.Length > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s.Length > 2 && Uri.IsHexDigit(s[2]))
        {
            radix = 16;
            s = s[2..];
        }
        else if (s.Length > 0 && s[0] == '0')
        {
            radix = 8;
        }
        if (s.Length == 0)
            return text.Length == 0; // strtoull("") leaves end at the start, which is '\0'
        foreach (char c in s)
        {
            int digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiHexDigit(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
            if (digit >= radix)
                return false;
            UInt128 next = (UInt128)value * (uint)radix + (uint)digit;
            if (next > ulong.MaxValue)
                return false;
            value = (ulong)next;
        }
        if (negative)
            value = unchecked(0 - value);
        return true;
    }
}
