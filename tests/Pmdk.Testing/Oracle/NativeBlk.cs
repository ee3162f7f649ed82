// Test-only P/Invoke of Debian's libpmemblk.so.1 (PMDK 1.12.1), the C oracle for pmemblk compatibility tests.
using System.Runtime.InteropServices;

namespace Pmdk.Testing.Oracle;

/// <summary>
/// A pool opened by the C library. Every failure throws <see cref="InvalidOperationException"/> with
/// <c>pmemblk_errormsg()</c>; a missing library throws <see cref="DllNotFoundException"/> (tests fail, never skip).
/// </summary>
public sealed partial class NativeBlk : IDisposable
{
    private const string Lib = "libpmemblk.so.1";
    private nint _pool;

    private NativeBlk(nint pool) => _pool = pool;

    /// <summary>C: <c>pmemblk_create</c>.</summary>
    public static NativeBlk Create(string path, ulong blockSize, ulong poolSize, uint mode = 0b110_110_100)
    {
        nint p = pmemblk_create(path, (nuint)blockSize, (nuint)poolSize, mode);
        return p == 0 ? throw Fail("pmemblk_create", path) : new NativeBlk(p);
    }

    /// <summary>C: <c>pmemblk_open</c>.</summary>
    public static NativeBlk Open(string path, ulong blockSize = 0)
    {
        nint p = pmemblk_open(path, (nuint)blockSize);
        return p == 0 ? throw Fail("pmemblk_open", path) : new NativeBlk(p);
    }

    /// <summary>C: <c>pmemblk_open</c>; null plus the error message instead of throwing.</summary>
    public static NativeBlk? TryOpen(string path, ulong blockSize, out string? error)
    {
        nint p = pmemblk_open(path, (nuint)blockSize);
        error = p == 0 ? ErrorMessage : null;
        return p == 0 ? null : new NativeBlk(p);
    }

    /// <summary>C: <c>pmemblk_check</c>: 1 consistent, 0 not, -1 error.</summary>
    public static int Check(string path, ulong blockSize = 0) => pmemblk_check(path, (nuint)blockSize);

    /// <summary>C: <c>pmemblk_errormsg</c>.</summary>
    public static string ErrorMessage => Marshal.PtrToStringUTF8(pmemblk_errormsg()) ?? "";

    /// <summary>C: <c>pmemblk_bsize</c>.</summary>
    public ulong BlockSize => pmemblk_bsize(Handle);

    /// <summary>C: <c>pmemblk_nblock</c>.</summary>
    public ulong BlockCount => pmemblk_nblock(Handle);

    /// <summary>C: <c>pmemblk_read</c>.</summary>
    public void Read(long block, Span<byte> buffer)
    {
        if (buffer.Length < (int)BlockSize)
            throw new ArgumentException("buffer smaller than a block", nameof(buffer));
        if (pmemblk_read(Handle, ref MemoryMarshal.GetReference(buffer), block) != 0)
            throw Fail($"pmemblk_read({block})", null);
    }

    /// <summary>C: <c>pmemblk_read</c>; returns errno instead of throwing (0 on success).</summary>
    public int TryRead(long block, Span<byte> buffer) =>
        pmemblk_read(Handle, ref MemoryMarshal.GetReference(buffer), block) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>C: <c>pmemblk_write</c>.</summary>
    public void Write(long block, ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length < (int)BlockSize)
            throw new ArgumentException("buffer smaller than a block", nameof(buffer));
        if (pmemblk_write(Handle, in MemoryMarshal.GetReference(buffer), block) != 0)
            throw Fail($"pmemblk_write({block})", null);
    }

    /// <summary>C: <c>pmemblk_set_zero</c>.</summary>
    public void SetZero(long block)
    {
        if (pmemblk_set_zero(Handle, block) != 0)
            throw Fail($"pmemblk_set_zero({block})", null);
    }

    /// <summary>C: <c>pmemblk_set_error</c>.</summary>
    public void SetError(long block)
    {
        if (pmemblk_set_error(Handle, block) != 0)
            throw Fail($"pmemblk_set_error({block})", null);
    }

    /// <summary>C: <c>pmemblk_close</c>.</summary>
    public void Dispose()
    {
        if (_pool != 0)
        {
            pmemblk_close(_pool);
            _pool = 0;
        }
    }

    private nint Handle => _pool != 0 ? _pool : throw new ObjectDisposedException(nameof(NativeBlk));

    private static InvalidOperationException Fail(string call, string? path) =>
        new($"{call}{(path is null ? "" : $" on {path}")} failed: {ErrorMessage} (errno {Marshal.GetLastPInvokeError()})");

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint pmemblk_create(string path, nuint bsize, nuint poolsize, uint mode);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint pmemblk_open(string path, nuint bsize);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int pmemblk_check(string path, nuint bsize);

    [LibraryImport(Lib)]
    private static partial void pmemblk_close(nint pool);

    [LibraryImport(Lib)]
    private static partial nuint pmemblk_bsize(nint pool);

    [LibraryImport(Lib)]
    private static partial nuint pmemblk_nblock(nint pool);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int pmemblk_read(nint pool, ref byte buf, long blockno);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int pmemblk_write(nint pool, in byte buf, long blockno);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int pmemblk_set_zero(nint pool, long blockno);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int pmemblk_set_error(nint pool, long blockno);

    [LibraryImport(Lib)]
    private static partial nint pmemblk_errormsg();
}
