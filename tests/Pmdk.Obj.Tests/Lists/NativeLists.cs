// Test-only P/Invoke of Debian's libpmemobj atomic list functions (PMDK: include/libpmemobj/lists_atomic_base.h).
using System.Runtime.InteropServices;
using Pmdk.Obj.Tests.Tx;

namespace Pmdk.Obj.Tests.Lists;

/// <summary>C's <c>pmemobj_list_*</c>; heads are addresses inside a C-opened pool.</summary>
internal static partial class NativeLists
{
    private const string Lib = "libpmemobj.so.1";

    [LibraryImport(Lib)]
    public static partial int pmemobj_list_insert(nint pop, nuint peOffset, nint head, TxOid dest, int before, TxOid oid);

    [LibraryImport(Lib)]
    public static partial TxOid pmemobj_list_insert_new(nint pop, nuint peOffset, nint head, TxOid dest, int before, nuint size, ulong typeNum, nint constructor, nint arg);

    [LibraryImport(Lib)]
    public static partial int pmemobj_list_remove(nint pop, nuint peOffset, nint head, TxOid oid, int free);

    [LibraryImport(Lib)]
    public static partial int pmemobj_list_move(nint pop, nuint peOldOffset, nint headOld, nuint peNewOffset, nint headNew, TxOid dest, int before, TxOid oid);
}
