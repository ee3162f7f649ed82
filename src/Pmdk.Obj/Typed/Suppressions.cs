// Analyzer suppressions for the typed API (PMDK: none; .NET design-rule choices).
using System.Diagnostics.CodeAnalysis;

// Factories on the generic types (ObjPool<TRoot>.OpenOrCreate, PmemOid<T>.Null, TypeNumber<T>.Value) are the
// idiomatic shape of a typed persistent API (as libpmemobj++'s pool<T>::open); a non-generic factory class would
// need the type argument spelled out anyway.
[assembly: SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Scope = "namespaceanddescendants", Target = "~N:Pmdk.Obj.Typed", Justification = "typed factories")]
