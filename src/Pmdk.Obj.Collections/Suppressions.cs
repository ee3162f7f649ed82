// Analyzer suppressions for the collections (PMDK: none; .NET design-rule choices).
using System.Diagnostics.CodeAnalysis;

// PersistentVector<T>.Create(tx) / .Open(pool, oid) are the natural factories of a persistent collection handle.
[assembly: SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Scope = "namespaceanddescendants", Target = "~N:Pmdk.Obj.Collections", Justification = "typed factories")]
// Persistent collections are named after what they are (vector, map, tree), like their C++ counterparts.
[assembly: SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Scope = "namespaceanddescendants", Target = "~N:Pmdk.Obj.Collections", Justification = "libpmemobj-cpp names")]
