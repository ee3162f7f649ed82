// The callback of a struct-specialised log walk (PMDK: libpmemlog/log.c pmemlog_walk's process_chunk).
namespace Pmdk.Log;

/// <summary>Receives the chunks of <see cref="PmemLog.Walk{TVisitor}(ulong, ref TVisitor)"/>.</summary>
public interface ILogChunkVisitor
{
    /// <summary>Called for each chunk in order; return false to stop the walk. The span is valid during the call only.</summary>
    bool Visit(ReadOnlySpan<byte> chunk);
}
