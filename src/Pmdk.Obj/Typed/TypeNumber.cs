// Stable type numbers for typed allocations (PMDK: include/libpmemobj/types.h TOID_TYPE_NUM; libpmemobj++ type_num).
using System.Text;

namespace Pmdk.Obj.Typed;

/// <summary>
/// The type number stored with objects allocated through the typed API: a 64-bit FNV-1a hash of the type's full
/// name, stable across processes and runs (so <see cref="ObjPool.Objects(ulong?)"/> can find them again).
/// </summary>
/// <typeparam name="T">The type.</typeparam>
public static class TypeNumber<T>
{
    /// <summary>The type number of <typeparamref name="T"/>.</summary>
    public static ulong Value { get; } = TypeNumber.Of(TypeNumber.StableName(typeof(T)));
}

/// <summary>Type-number helpers.</summary>
public static class TypeNumber
{
    /// <summary>A name without assembly versions: <c>Ns.Type`1[Ns.Arg]</c> for generics.</summary>
    public static string StableName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!type.IsGenericType)
            return type.FullName ?? type.Name;
        Type def = type.GetGenericTypeDefinition();
        return $"{def.FullName ?? def.Name}[{string.Join(",", type.GetGenericArguments().Select(StableName))}]";
    }

    /// <summary>The 64-bit FNV-1a hash of a name's UTF-8 bytes, with the top bit cleared (never 0).</summary>
    public static ulong Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ulong h = 0xcbf29ce484222325;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            h ^= b;
            h *= 0x100000001b3;
        }
        h &= long.MaxValue;
        return h == 0 ? 1 : h;
    }
}
