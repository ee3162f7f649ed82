// The writer and reader programs of the string_store example, with C's root layout (PMDK: string_store/writer.c, reader.c, layout.h).
using System.Text;
using Pmdk.Obj;

namespace Pmdk.Examples.StringStore;

/// <summary>Writer and reader of <c>struct my_root { size_t len; char buf[10]; }</c> (24 bytes with padding) in layout "intro_1".</summary>
public static class StringStoreApp
{
    /// <summary>The pool layout name (LAYOUT_NAME).</summary>
    public const string Layout = "intro_1";

    /// <summary>Capacity of the buffer including the terminating NUL (MAX_BUF_LEN).</summary>
    public const int MaxBufferLength = 10;

    /// <summary>sizeof(struct my_root) on x86-64.</summary>
    public const ulong RootSize = 24;

    /// <summary>Creates the pool and stores the first word (at most 9 characters) read from <paramref name="input"/>.</summary>
    public static int Writer(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 1)
        {
            output.Write("usage: writer file-name\n");
            return 1;
        }
        ObjPool pool;
        try
        {
            pool = ObjPool.Create(args[0], Layout, ObjPool.MinPoolSize, new ObjPoolOptions { Mode = (UnixFileMode)0b110_110_110 });
        }
        catch (Exception e) when (e is PmemException or IOException or UnauthorizedAccessException)
        {
            error.Write($"pmemobj_create: {e.Message}\n");
            return 1;
        }
        using (pool)
        {
            PmemOid root = pool.Root(RootSize);
            string? word = ScanWord(input, MaxBufferLength - 1);
            if (word is null)
            {
                error.Write("EOF\n");
                return 1;
            }
            byte[] bytes = Encoding.Latin1.GetBytes(word);
            pool.Ref<ulong>(root) = (ulong)bytes.Length;
            pool.Persist(root, 0, 8);
            bytes.CopyTo(pool.GetSpan(root)[8..]);
            pool.Persist(root, 8, (ulong)bytes.Length);
        }
        return 0;
    }

    /// <summary>Prints the stored word when its recorded length matches the string in the buffer.</summary>
    public static int Reader(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 1)
        {
            output.Write("usage: reader file-name\n");
            return 1;
        }
        ObjPool pool;
        try
        {
            pool = ObjPool.Open(args[0], Layout);
        }
        catch (Exception e) when (e is PmemException or IOException or UnauthorizedAccessException)
        {
            error.Write($"pmemobj_open: {e.Message}\n");
            return 1;
        }
        using (pool)
        {
            PmemOid root = pool.Root(RootSize);
            // like strlen, the string may run past buf into the root's padding; stop at the object's end
            Span<byte> text = pool.GetSpan(root)[8..];
            int length = text.IndexOf((byte)0);
            if (length < 0)
                length = text.Length;
            if (pool.Ref<ulong>(root) == (ulong)length)
                output.Write(Encoding.Latin1.GetString(text[..length]) + "\n");
        }
        output.Flush();
        return 0;
    }

    /// <summary>scanf("%9s"): skips white space, then reads up to <paramref name="max"/> non-blank characters; null at end of input.</summary>
    public static string? ScanWord(TextReader input, int max)
    {
        ArgumentNullException.ThrowIfNull(input);
        int c;
        while ((c = input.Peek()) >= 0 && char.IsWhiteSpace((char)c))
            input.Read();
        if (c < 0)
            return null;
        var sb = new StringBuilder();
        while (sb.Length < max && (c = input.Peek()) >= 0 && !char.IsWhiteSpace((char)c))
            sb.Append((char)input.Read());
        return sb.ToString();
    }
}
