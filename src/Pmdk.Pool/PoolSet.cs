// The pool set model: replicas, parts and options of a PMEMPOOLSET file (PMDK: common/set.h struct pool_set).
namespace Pmdk.Pool;

/// <summary>Set-wide options (<c>OPTION</c> lines).</summary>
[Flags]
public enum PoolSetOptions
{
    /// <summary>No options.</summary>
    None = 0,
    /// <summary><c>OPTION SINGLEHDR</c>: only part 0 of each replica carries a header.</summary>
    SingleHeader = 1,
    /// <summary><c>OPTION NOHDRS</c>: no headers at all (not supported for local pools).</summary>
    NoHeaders = 2,
}

/// <summary>One part line of a set file.</summary>
/// <param name="Path">Absolute path of the part file (or directory).</param>
/// <param name="Size">Size from the set file in bytes (for a directory: the address-space reservation).</param>
/// <param name="IsDirectory">Whether the path named an existing directory.</param>
/// <param name="Line">1-based line number in the set file; 0 for an implicit single-file set.</param>
public sealed record PoolSetPart(string Path, ulong Size, bool IsDirectory, int Line);

/// <summary>A replica: local (with parts) or remote (a node and a set file, no parts).</summary>
public sealed class PoolSetReplica
{
    internal PoolSetReplica(IReadOnlyList<PoolSetPart> parts, string? remoteNode, string? remoteSetFile)
    {
        Parts = parts;
        RemoteNode = remoteNode;
        RemoteSetFile = remoteSetFile;
    }

    /// <summary>The parts, in set-file order.</summary>
    public IReadOnlyList<PoolSetPart> Parts { get; }

    /// <summary><c>[user@]host</c> of a remote replica.</summary>
    public string? RemoteNode { get; }

    /// <summary>The remote set file of a remote replica.</summary>
    public string? RemoteSetFile { get; }

    /// <summary>Whether the replica is remote.</summary>
    public bool IsRemote => RemoteNode is not null;

    /// <summary>Whether the parts are directories (the replica grows by files inside them).</summary>
    public bool IsDirectoryBased => Parts.Count > 0 && Parts[0].IsDirectory;
}

/// <summary>
/// A parsed pool set: either a PMEMPOOLSET file or the implicit one-part set of a single pool file.
/// </summary>
public sealed partial class PoolSet
{
    /// <summary>The 11-byte signature of a set file.</summary>
    public const string Signature = "PMEMPOOLSET";

    internal PoolSet(string path, bool isSetFile, PoolSetOptions options, IReadOnlyList<PoolSetReplica> replicas)
    {
        Path = path;
        IsSetFile = isSetFile;
        Options = options;
        Replicas = replicas;
    }

    /// <summary>The set file, or the single pool file.</summary>
    public string Path { get; }

    /// <summary>Whether <see cref="Path"/> is a PMEMPOOLSET file.</summary>
    public bool IsSetFile { get; }

    /// <summary>The OPTION lines.</summary>
    public PoolSetOptions Options { get; }

    /// <summary>Replica 0 is the master; the others are replicas.</summary>
    public IReadOnlyList<PoolSetReplica> Replicas { get; }

    /// <summary>Whether SINGLEHDR is set.</summary>
    public bool SingleHeader => (Options & PoolSetOptions.SingleHeader) != 0;

    /// <summary>The implicit set of a single pool file. C: <c>util_poolset_single</c>.</summary>
    public static PoolSet SingleFile(string path, ulong size) =>
        new(path, false, PoolSetOptions.None, [new PoolSetReplica([new PoolSetPart(path, size, false, 0)], null, null)]);

    /// <summary>Whether the file starts with <c>PMEMPOOLSET</c> (a regular file only). C: <c>util_is_poolset_file</c>.</summary>
    public static bool IsPoolSetFile(string path)
    {
        try
        {
            if (!File.Exists(path))
                return false;
            using FileStream fs = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            Span<byte> sig = stackalloc byte[Signature.Length];
            return fs.ReadAtLeast(sig, sig.Length, throwOnEndOfStream: false) == sig.Length && sig.SequenceEqual("PMEMPOOLSET"u8);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Reads and parses a set file. C: <c>util_poolset_parse</c>.</summary>
    /// <exception cref="PmemException">The file cannot be read (<see cref="PmemErrorCode.FileNotFound"/>, …) or is malformed
    /// (<see cref="PmemErrorCode.PoolSetInvalid"/>, naming the line).</exception>
    public static PoolSet Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PmemException(PmemErrorCode.FileNotFound, "pool set file not found", path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PmemException(PmemErrorCode.AccessDenied, $"cannot read pool set file: {e.Message}", path, e);
        }
        return Parse(text, path);
    }

    /// <summary>Total size of the parts of replica <paramref name="replica"/> as given in the set file.</summary>
    public ulong TotalSize(int replica = 0) => Replicas[replica].Parts.Aggregate(0UL, (s, p) => s + p.Size);
}
