// One bad-block range of a source (PMDK: struct pmem2_badblock).
namespace Pmdk.Pmem.BadBlocks;

/// <summary>A range of a source that reads with machine-check errors. Offsets are in bytes from the start of the source.</summary>
/// <param name="Offset">Byte offset in the file or Device DAX.</param>
/// <param name="Length">Length in bytes.</param>
/// <remarks>C: <c>struct pmem2_badblock</c>.</remarks>
public readonly record struct BadBlock(ulong Offset, ulong Length);

/// <summary>A physical extent of a file: the file range [Logical, Logical+Length) lives at device offset Physical.</summary>
/// <param name="Logical">Byte offset in the file.</param>
/// <param name="Physical">Byte offset on the device.</param>
/// <param name="Length">Length in bytes.</param>
public readonly record struct FileExtent(ulong Logical, ulong Physical, ulong Length);
